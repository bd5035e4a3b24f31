import 'server-only';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db';
import { countRestorableTables } from '../db/backup-target';
import { readMigrations } from '../db/migrate';
import { dumpPGliteDataDir, loadPGliteDataDir } from '../db/pglite-backup';
import { describeUrl, openPostgres } from '../db/postgres-driver';
import type { Env } from '../env';
import { MultiFernet } from '../tokens/fernet';
import { loadKeyList, KEY_FILE } from '../tokens/keys';
import { checkStoredSecrets, type SecretCheck } from '../tokens/verify';
import { runPgTool } from './pg-tools';

/**
 * `npm run db:backup` / `db:restore`: PostgreSQL (DATABASE_URL) through pg_dump's custom format,
 * the embedded database through PGlite's data-directory dump. Neither holds the encryption key:
 * a backup is only as readable as the keys kept beside it, which the restore checks.
 */

type BackupEnv = Pick<Env, 'databaseUrl' | 'dataDir' | 'encryptionKeys' | 'migrate'>;

/** Grantkeeper's schemas: its tables, and the migration history `supabase db push` shares. */
const SCHEMAS = ['public', 'supabase_migrations'];
const PG_DUMP_MAGIC = 'PGDMP';

export async function backupDatabase(env: BackupEnv, file: string): Promise<{ kind: 'postgres' | 'pglite'; bytes: number }> {
  // Created first, owner-only and never over an existing file: pg_dump then writes into it.
  fs.writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
  try {
    if (env.databaseUrl) {
      await runPgTool('pg_dump', env.databaseUrl, ['--format=custom', '--no-owner', ...SCHEMAS.map((s) => `--schema=${s}`), `--file=${file}`]);
      return { kind: 'postgres', bytes: fs.statSync(file).size };
    }
    const dump = await dumpPGliteDataDir(env.dataDir);
    fs.writeFileSync(file, dump);
    return { kind: 'pglite', bytes: dump.length };
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
}

export interface RestoreResult {
  kind: 'postgres' | 'pglite';
  /** null when no key is configured to check with */
  secrets: SecretCheck | null;
}

/** Restores into an empty database (or data directory), opens it as the app does, and decrypts every stored secret. */
export async function restoreDatabase(env: BackupEnv, file: string): Promise<RestoreResult> {
  const head = Buffer.alloc(5);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 5, 0);
  fs.closeSync(fd);
  const isPgDump = head.toString('latin1') === PG_DUMP_MAGIC;
  if (env.databaseUrl) {
    if (!isPgDump) throw new Error(`${file} is not a pg_dump custom-format backup (an embedded-database backup restores without DATABASE_URL)`);
    await restorePostgres(env.databaseUrl, file);
  } else {
    if (isPgDump) throw new Error(`${file} is a PostgreSQL backup: set DATABASE_URL to the database to restore it into`);
    await loadPGliteDataDir(env.dataDir, fs.readFileSync(file));
  }
  const keys = configuredKeys(env);
  // Start on it as the app would: applies migrations newer than the backup.
  const db = await openDatabase(env);
  try {
    return { kind: env.databaseUrl ? 'postgres' : 'pglite', secrets: keys ? await checkStoredSecrets(db, MultiFernet.fromEnv(keys)) : null };
  } finally {
    await db.close();
  }
}

async function restorePostgres(url: string, file: string): Promise<void> {
  const target = await openPostgres(url, { max: 1 });
  try {
    if ((await countRestorableTables(target)) > 0) {
      throw new Error(`${describeUrl(url)} already has tables: restore into a new, empty database`);
    }
    // Roles are cluster-wide and not in a dump; the bootstrap migration creates them (and auth.jwt(), which the policies call) and is a no-op where they exist.
    await target.exec(readMigrations()[0]!.sql);
  } finally {
    await target.close();
  }
  // Every database already has the public schema; the archive's CREATE SCHEMA public would fail.
  const contents = await runPgTool('pg_restore', null, ['--list', file]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-restore-'));
  const list = path.join(dir, 'contents.list');
  fs.writeFileSync(list, contents.split('\n').filter((line) => !/^\d+; \d+ \d+ SCHEMA - public /.test(line)).join('\n'), { mode: 0o600 });
  try {
    await runPgTool('pg_restore', url, ['--no-owner', '--exit-on-error', '--single-transaction', `--use-list=${list}`, file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The keys to check with, never a freshly generated one (that would read nothing and hide the real key's absence). */
function configuredKeys(env: BackupEnv): string | null {
  if (env.encryptionKeys) return env.encryptionKeys;
  return fs.existsSync(path.join(env.dataDir, KEY_FILE)) ? loadKeyList(env) : null;
}
