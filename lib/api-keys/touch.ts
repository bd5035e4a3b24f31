import 'server-only';
import type { Database } from '../db';
import { markApiKeysUsed } from '../db/api-keys';

/**
 * Records that these keys were used just now. Called by the token API's batched flusher, not per
 * request: one UPDATE per flush instead of one write per token read.
 */
export async function touchApiKeys(db: Database, keyIds: string[]): Promise<void> {
  const unique = [...new Set(keyIds)];
  for (let i = 0; i < unique.length; i += 1000) await markApiKeysUsed(db, unique.slice(i, i + 1000));
}
