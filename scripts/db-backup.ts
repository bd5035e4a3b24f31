/**
 * `npm run db:backup -- [--out file]` — DATABASE_URL (self-hosted PostgreSQL) through pg_dump's
 * custom format, else the embedded database in GRANTKEEPER_DATA_DIR through PGlite's data-dir
 * dump (stop the server first: it holds the embedded database). The file is 0600 and holds
 * encrypted tokens but not the key: keep ENCRYPTION_KEYS (or .data/encryption.key) safe apart.
 */
import { parseArgs } from 'node:util';
import { backupDatabase } from '../lib/backup/backup';
import { describeUrl } from '../lib/db/postgres-driver';
import { getEnv } from '../lib/env';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const env = getEnv();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = values.out ?? `grantkeeper-${stamp}.${env.databaseUrl ? 'dump' : 'tar.gz'}`;
  const result = await backupDatabase(env, file);
  const from = env.databaseUrl ? describeUrl(env.databaseUrl) : env.dataDir;
  process.stdout.write(
    `Backed up ${from} (${result.kind === 'postgres' ? 'pg_dump custom format' : 'embedded data directory'}) to ${file}, ${result.bytes} bytes.\n` +
      'The encryption key is not in it: without ENCRYPTION_KEYS (or the data directory\'s encryption.key) the tokens cannot be read.\n' +
      `Restore with: npm run db:restore -- --from ${file}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`db:backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
