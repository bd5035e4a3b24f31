import 'server-only';
import { getEnv, type Env } from '../env';
import { getLogger } from '../log';
import { guardDatabase, markDatabaseError } from './errors';
import { migrate } from './migrate';
import type { Database, Sql } from './types';

export type { Database, Sql } from './types';
export { DatabaseUnavailableError } from './types';

/**
 * The one database of this process, opened on first use — never at import time, because
 * `next build` imports route modules in worker processes that must not open PGlite.
 */
const holder = globalThis as unknown as { grantkeeperDb?: Promise<Database> };

export function getDb(): Promise<Database> {
  holder.grantkeeperDb ??= openDatabase(getEnv()).catch((err: unknown) => {
    holder.grantkeeperDb = undefined;
    throw markDatabaseError(err);
  });
  return holder.grantkeeperDb;
}

export async function openDatabase(env: Pick<Env, 'databaseUrl' | 'dataDir' | 'migrate'> & Partial<Pick<Env, 'dbPrepare'>>): Promise<Database> {
  const log = getLogger();
  // Only the driver in use is loaded: each is ~5 MiB of heap the other mode never needs (issue 12).
  let db: Database;
  let where: string | null;
  if (env.databaseUrl) {
    const { describeUrl, openPostgres } = await import('./postgres-driver');
    db = guardDatabase(await openPostgres(env.databaseUrl, { prepare: env.dbPrepare }));
    where = describeUrl(env.databaseUrl);
  } else {
    const { openPGlite } = await import('./pglite-driver');
    db = guardDatabase(await openPGlite(env.dataDir));
    where = env.dataDir;
  }
  log.info({ driver: db.driver, where }, 'database opened');
  if (shouldMigrate(env)) {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  }
  return db;
}

/**
 * Migrations run by themselves on the embedded database and on a local PostgreSQL; a remote
 * production database is migrated with `supabase db push` unless DB_MIGRATE=on.
 */
function shouldMigrate(env: Pick<Env, 'databaseUrl' | 'migrate'>): boolean {
  if (env.migrate !== 'auto') return env.migrate === 'on';
  if (!env.databaseUrl) return true;
  const host = new URL(env.databaseUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * Runs `fn` as the signed-in user: role `authenticated` with the JWT claims Supabase's RLS
 * policies read, so a query that forgets its user filter still cannot see another user's rows.
 * One statement sets both, the way PostgREST does, and it costs no round trip of its own: `fn`
 * starts without waiting for it, so its first statements travel with it (a transaction runs its
 * statements in the order they were issued — postgres.js pipelines them on the one connection,
 * PGlite queues them behind its query mutex — and a failed set_config aborts everything after it).
 */
export function asUser<T>(db: Database, userId: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const claims = tx.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
      JSON.stringify({ sub: userId, role: 'authenticated' }),
    ]);
    const [, result] = await Promise.all([claims, fn(tx)]);
    return result;
  });
}
