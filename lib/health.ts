import 'server-only';
import { getDb } from './db';
import { migrationStatus } from './db/migrate';
import { getEnv } from './env';
import pkg from '../package.json';

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  commit: string | null;
  database: { status: 'up' | 'down'; driver?: string; migrations?: { applied: number; pending: string[] }; error?: string };
}

/** What /api/health reports: no secrets, only whether things work. */
export async function checkHealth(): Promise<Health> {
  const base = { version: pkg.version, commit: process.env.VERCEL_GIT_COMMIT_SHA ?? null };
  try {
    getEnv();
    const db = await getDb();
    await db.query('select 1');
    const migrations = await migrationStatus(db);
    return {
      ...base,
      status: migrations.pending.length === 0 ? 'ok' : 'degraded',
      database: { status: 'up', driver: db.driver, migrations },
    };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      ...base,
      status: 'down',
      database: { status: 'down', error: typeof code === 'string' ? code : 'database_unavailable' },
    };
  }
}
