/**
 * `npm run db:restore -- --from file` — into DATABASE_URL (a new, empty database) or, without it,
 * into GRANTKEEPER_DATA_DIR (with no database in it yet). Then opens it as the app does (pending
 * migrations applied) and decrypts every stored secret with the configured keys. Exit 1 when a
 * secret cannot be read or no key is configured to check with.
 */
import { parseArgs } from 'node:util';
import { restoreDatabase } from '../lib/backup/backup';
import { describeUrl } from '../lib/db/postgres-driver';
import { getEnv } from '../lib/env';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' } } });
  if (!values.from) {
    process.stderr.write('usage: npm run db:restore -- --from <backup file>\n');
    return 2;
  }
  const env = getEnv();
  const result = await restoreDatabase(env, values.from);
  process.stdout.write(`Restored ${values.from} into ${env.databaseUrl ? describeUrl(env.databaseUrl) : env.dataDir}.\n`);
  if (!result.secrets) {
    process.stderr.write(
      'No encryption key is configured, so the tokens were not checked: set ENCRYPTION_KEYS, or copy the backed-up encryption.key into the data directory, before starting.\n',
    );
    return 1;
  }
  const unreadable = Object.entries(result.secrets.unreadable);
  if (unreadable.length > 0) {
    process.stderr.write(
      `${unreadable.map(([column, n]) => `${n} in ${column}`).join(', ')} of ${result.secrets.checked} stored secrets cannot be decrypted ` +
        'with ENCRYPTION_KEYS: add the key that wrote them before starting.\n',
    );
    return 1;
  }
  process.stdout.write(`All ${result.secrets.checked} stored secrets decrypt with the configured keys.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`db:restore failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
