import 'server-only';
import type { Database } from '../db';
import { listEncryptedColumns, replaceEncryptedValue, type EncryptedRow } from '../db/encrypted-columns';
import { listSpilled, readSealedSpill, replaceSealedSpill } from '../refresh/spill';
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
  options: {
    batchSize?: number;
    onBatch?: (s: RotationSummary) => void;
    /** The data directory whose spill files (lib/refresh/spill.ts) are rotated too. */
    dataDir?: string;
  } = {},
): Promise<RotationSummary> {
  const summary: RotationSummary = { scanned: 0, rotated: 0, skipped: 0, unreadable: 0 };
  if (options.dataDir) rotateSpillFiles(options.dataDir, cipher, summary);
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

/**
 * Refreshed tokens a failed database write left on this host's disk wait there, sealed under the
 * key of their day, for the next start to apply: once that key is retired they could never be
 * read, and a rotated refresh token (X) in one would be lost with its grant. Each is re-sealed
 * under the first key, in place and atomically, like a row.
 */
function rotateSpillFiles(dataDir: string, cipher: MultiFernet, summary: RotationSummary): void {
  for (const file of listSpilled(dataDir)) {
    const sealed = readSealedSpill(file);
    if (sealed === undefined) continue; // applied meanwhile
    summary.scanned++;
    if (cipher.isCurrent(sealed)) continue;
    let next: string;
    try {
      next = cipher.rotate(sealed);
    } catch (err) {
      if (!(err instanceof InvalidFernetToken)) throw err;
      summary.unreadable++;
      continue;
    }
    if (replaceSealedSpill(file, sealed, next)) summary.rotated++;
    else summary.skipped++;
  }
}
