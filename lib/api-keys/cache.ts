import 'server-only';
/**
 * What this process knows about API key prefixes, so the token API (thousands of requests a
 * second) does not read `api_keys` on every call. Keyed by the public prefix, holding the stored
 * hash: every request still proves the whole key with a constant-time hash comparison, and a flood
 * of wrong secrets for a real prefix stays off the database as well as one of unknown prefixes.
 *
 * Lifetimes bound how long another instance may lag behind a revocation (this process evicts at
 * once). Both maps are capped so a flood of random prefixes cannot grow memory; it can only push
 * out older entries of its own map, never the live keys. Kept on globalThis: Next bundles routes
 * separately, and the DELETE route's eviction must reach the token route's cache.
 */

export interface CachedKey {
  keyId: string;
  userId: string;
  secretHash: string;
}

const LIVE_TTL_MS = 30_000;
const ABSENT_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

interface Store {
  live: Map<string, { key: CachedKey; until: number }>;
  /** Prefixes with no usable key: unknown, revoked, or of a deleted user. */
  absent: Map<string, number>;
  /** Moves on at every eviction, so a database read that began before it cannot re-cache a revoked key. */
  epoch: number;
}

const holder = globalThis as unknown as { grantkeeperApiKeyCache?: Store };
const store = (holder.grantkeeperApiKeyCache ??= { live: new Map(), absent: new Map(), epoch: 0 });

export type CacheLookup = { hit: true; key: CachedKey | null } | { hit: false };

export function lookupCachedKey(prefix: string, now = Date.now()): CacheLookup {
  const live = store.live.get(prefix);
  if (live) {
    if (live.until > now) return { hit: true, key: live.key };
    store.live.delete(prefix);
  }
  const absentUntil = store.absent.get(prefix);
  if (absentUntil !== undefined) {
    if (absentUntil > now) return { hit: true, key: null };
    store.absent.delete(prefix);
  }
  return { hit: false };
}

export function cacheEpoch(): number {
  return store.epoch;
}

/** Caches what a read begun at `epoch` found, unless a prefix was evicted meanwhile. */
export function cacheKey(prefix: string, key: CachedKey | null, epoch: number, now = Date.now()): void {
  if (epoch !== store.epoch) return;
  if (key) {
    store.absent.delete(prefix);
    setBounded(store.live, prefix, { key, until: now + LIVE_TTL_MS });
  } else {
    store.live.delete(prefix);
    setBounded(store.absent, prefix, now + ABSENT_TTL_MS);
  }
}

/** Forgets a prefix at once: after revocation, and after creation (a stale "unknown" entry). */
export function evictCachedKey(prefix: string): void {
  store.epoch += 1;
  store.live.delete(prefix);
  store.absent.delete(prefix);
}

export function clearApiKeyCache(): void {
  store.epoch += 1;
  store.live.clear();
  store.absent.clear();
}

export function apiKeyCacheSize(): { live: number; absent: number } {
  return { live: store.live.size, absent: store.absent.size };
}

/** Insertion order is age order in a Map: drop the oldest entry when full. */
function setBounded<V>(map: Map<string, V>, k: string, v: V): void {
  map.delete(k);
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(k, v);
}
