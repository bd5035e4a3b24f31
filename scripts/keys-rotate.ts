/**
 * `npm run keys:rotate` — re-encrypts every stored secret (tokens, PKCE verifiers, webhook signing secrets, and the
 * refreshed tokens kept in spill files under this host's data directory) under the first key of ENCRYPTION_KEYS.
 * Batched, compare-and-set per value, safe to re-run; values no key can read are left untouched.
 * With the embedded database, stop the server first (it holds the database open).
 */
import { openDatabase } from '../lib/db';
import { recordAuditEvent } from '../lib/db/audit';
import { getEnv } from '../lib/env';
import { MultiFernet } from '../lib/tokens/fernet';
import { loadKeyList } from '../lib/tokens/keys';
import { rotateEncryptionKeys } from '../lib/tokens/rotate';

async function main(): Promise<number> {
  const env = getEnv();
  const cipher = MultiFernet.fromEnv(loadKeyList(env));
  const db = await openDatabase(env);
  try {
    const started = Date.now();
    const summary = await rotateEncryptionKeys(db, cipher, {
      dataDir: env.dataDir,
      onBatch: (s) => process.stderr.write(`  scanned ${s.scanned}, rotated ${s.rotated}\n`),
    });
    await recordAuditEvent(db, {
      userId: null,
      actor: 'system',
      action: 'keys.rotated',
      outcome: summary.unreadable > 0 ? 'failure' : 'success',
      detail: { ...summary },
      durationMs: Date.now() - started,
    });
    process.stdout.write(
      `Rotation done: ${summary.scanned} values scanned, ${summary.rotated} re-encrypted, ` +
        `${summary.skipped} changed meanwhile (run again to finish them), ${summary.unreadable} unreadable.\n`,
    );
    if (summary.unreadable > 0) {
      process.stderr.write(
        'Some values could not be decrypted with any key in ENCRYPTION_KEYS and were left as they are: ' +
          'add the key that wrote them to the list and run again.\n',
      );
      return 1;
    }
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`keys:rotate failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
