import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './types';

/**
 * Applies `supabase/migrations/*.sql` in order, each once, recording them where the Supabase CLI
 * does (`supabase_migrations.schema_migrations`), so `supabase db push` and this runner agree on
 * what has been applied.
 */

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

// Read at run time (next.config.js traces the folder into serverless bundles).
export const MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), 'supabase', 'migrations');

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const [version = '', ...rest] = file.replace(/\.sql$/, '').split('_');
      return { version, name: rest.join('_'), sql: fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, file), 'utf8') };
    });
}

const TRACKING_TABLE = `
  create schema if not exists supabase_migrations;
  create table if not exists supabase_migrations.schema_migrations (
    version text primary key,
    statements text[],
    name text
  );
`;

export async function appliedVersions(db: Database): Promise<Set<string>> {
  const [exists] = await db.query<{ present: boolean }>(
    `select to_regclass('supabase_migrations.schema_migrations') is not null as present`,
  );
  if (!exists?.present) return new Set();
  const rows = await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations');
  return new Set(rows.map((r) => r.version));
}

/** Applies what is pending; safe when several processes start at once (advisory lock). */
export async function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      // Serialises instances starting together; the tracking table is created under the lock too.
      await tx.query(`select pg_advisory_xact_lock(hashtext('grantkeeper:migrate'))`);
      await tx.exec(TRACKING_TABLE);
      const [row] = await tx.query('select 1 from supabase_migrations.schema_migrations where version = $1', [m.version]);
      if (row) return false;
      await tx.exec(m.sql);
      await tx.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [
        m.version,
        m.name,
      ]);
      return true;
    });
    if (done) applied.push(`${m.version}_${m.name}`);
  }
  return applied;
}

export interface MigrationStatus {
  applied: number;
  pending: string[];
}

export async function migrationStatus(db: Database, migrations = readMigrations()): Promise<MigrationStatus> {
  const done = await appliedVersions(db);
  return {
    applied: migrations.filter((m) => done.has(m.version)).length,
    pending: migrations.filter((m) => !done.has(m.version)).map((m) => `${m.version}_${m.name}`),
  };
}
