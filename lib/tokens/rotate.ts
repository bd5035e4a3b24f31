import 'server-only';
import type { Database } from '../db';
import { listEncryptedColumns, replaceEncryptedValue, type EncryptedRow } from '../db/encrypted-columns';
import { InvalidFernetToken, type MultiFernet } from './fernet';

export interface RotationSummary {
  scanned: number;
  rotated: number;
  /** Rows changed by someone else between read and write; re-running picks them up. */
  skipped: number;
  /** Values no configured key can decrypt: left exactly as they were. */
  unreadable: number;
}

/**
 * Re-encrypts every stored secret under the first key, in batches. Each write is a
 * compare-and-set on the old ciphertext, so a refresh that lands meanwhile is never overwritten;
 * running it again is harmless and finishes what was skipped.
 */
export async function rotateEncryptionKeys(
  db: Database,
  cipher: MultiFernet,
  options: { batchSize?: number; onBatch?: (s: RotationSummary) => void } = {},
): Promise<RotationSummary> {
  const summary: RotationSummary = { scanned: 0, rotated: 0, skipped: 0, unreadable: 0 };
  const batchSize = options.batchSize ?? 500;
  for (const column of listEncryptedColumns()) {
    let after: string | null = null;
    for (;;) {
      const rows: EncryptedRow[] = await column.readBatch(db, after, batchSize);
      if (rows.length === 0) break;
      for (const row of rows) {
        summary.scanned++;
        if (cipher.isCurrent(row.value)) continue;
        let next: string;
        try {
          next = cipher.rotate(row.value);
        } catch (err) {
          if (!(err instanceof InvalidFernetToken)) throw err;
          summary.unreadable++;
          continue;
        }
        const changed = await replaceEncryptedValue(db, column, row, next);
        if (changed) summary.rotated++;
        else summary.skipped++;
      }
      after = rows[rows.length - 1]!.key;
      options.onBatch?.(summary);
    }
  }
  return summary;
}
