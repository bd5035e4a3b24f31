import 'server-only';
import type { Database } from '../db';
import { listEncryptedColumns } from '../db/encrypted-columns';
import type { MultiFernet } from './fernet';

export interface SecretCheck {
  checked: number;
  /** Per table.column, how many stored values no configured key decrypts. */
  unreadable: Record<string, number>;
}

/** Decrypts every stored secret once (after a restore): proves the backup and the keys belong together. */
export async function checkStoredSecrets(db: Database, cipher: MultiFernet, batchSize = 500): Promise<SecretCheck> {
  const result: SecretCheck = { checked: 0, unreadable: {} };
  for (const col of listEncryptedColumns()) {
    for (let after: string | null = null; ; ) {
      const rows = await col.readBatch(db, after, batchSize);
      for (const row of rows) {
        result.checked++;
        try {
          cipher.decrypt(row.value);
        } catch {
          const name = `${col.table}.${col.column}`;
          result.unreadable[name] = (result.unreadable[name] ?? 0) + 1;
        }
      }
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]!.key;
    }
  }
  return result;
}
