import 'server-only';
import type { Database } from '../db';
import { findApiKeyByPrefix } from '../db/api-keys';
import { cacheEpoch, cacheKey, lookupCachedKey, type CachedKey } from './cache';
import { hashApiKey, hashesEqual, parseBearerApiKey } from './format';

export interface ApiKeyPrincipal {
  userId: string;
  keyId: string;
  /** Public; names the key in audit rows as `api_key:<prefix>`. */
  prefix: string;
}

/**
 * Who an `Authorization: Bearer gk_…` header belongs to, or null for anything else: malformed,
 * unknown, wrong secret, revoked, or of a deleted user. All failures look the same to the caller.
 * Concurrent misses for one prefix share one database read.
 */
export async function authenticateApiKey(db: Database, authorizationHeader: string | null): Promise<ApiKeyPrincipal | null> {
  const parsed = parseBearerApiKey(authorizationHeader);
  if (!parsed) return null;
  const hash = hashApiKey(parsed.key);
  const cached = lookupCachedKey(parsed.prefix);
  const key = cached.hit ? cached.key : await loadKey(db, parsed.prefix);
  if (!key || !hashesEqual(hash, key.secretHash)) return null;
  return { userId: key.userId, keyId: key.keyId, prefix: parsed.prefix };
}

const pending = new Map<string, Promise<CachedKey | null>>();

function loadKey(db: Database, prefix: string): Promise<CachedKey | null> {
  const epoch = cacheEpoch();
  // Keyed by epoch too: after a revocation, new requests must not join a read that began before it.
  const slot = `${epoch}:${prefix}`;
  let load = pending.get(slot);
  if (!load) {
    load = findApiKeyByPrefix(db, prefix)
      .then((row) => {
        const key = row && !row.disabled ? { keyId: row.id, userId: row.user_id, secretHash: row.secret_hash } : null;
        cacheKey(prefix, key, epoch);
        return key;
      })
      .finally(() => pending.delete(slot));
    pending.set(slot, load);
  }
  return load;
}
