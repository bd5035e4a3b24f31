import { beforeEach, describe, expect, it } from 'vitest';
import { apiKeyCacheSize, cacheEpoch, cacheKey, clearApiKeyCache, evictCachedKey, lookupCachedKey } from './cache';

const key = { keyId: 'k1', userId: 'u1', secretHash: 'h'.repeat(64) };

describe('API key cache', () => {
  beforeEach(() => clearApiKeyCache());

  it('remembers live keys for 30 s and absent prefixes for 10 s', () => {
    const t = 1_000_000;
    cacheKey('live0001', key, cacheEpoch(), t);
    cacheKey('gone0001', null, cacheEpoch(), t);
    expect(lookupCachedKey('live0001', t + 29_999)).toEqual({ hit: true, key });
    expect(lookupCachedKey('gone0001', t + 9_999)).toEqual({ hit: true, key: null });
    expect(lookupCachedKey('gone0001', t + 10_000)).toEqual({ hit: false });
    expect(lookupCachedKey('live0001', t + 30_000)).toEqual({ hit: false });
    expect(lookupCachedKey('other001', t)).toEqual({ hit: false });
  });

  it('evicts at once, and drops a read that began before the eviction', () => {
    const before = cacheEpoch();
    cacheKey('live0001', key, before);
    evictCachedKey('live0001');
    expect(lookupCachedKey('live0001')).toEqual({ hit: false });
    cacheKey('live0001', key, before);
    expect(lookupCachedKey('live0001')).toEqual({ hit: false });
    cacheKey('live0001', key, cacheEpoch());
    expect(lookupCachedKey('live0001')).toEqual({ hit: true, key });
  });

  it('stays bounded under a flood of unknown prefixes without losing live keys', () => {
    cacheKey('live0001', key, cacheEpoch());
    for (let i = 0; i < 25_000; i++) cacheKey(`p${i}`, null, cacheEpoch());
    expect(apiKeyCacheSize()).toEqual({ live: 1, absent: 10_000 });
    expect(lookupCachedKey('live0001')).toEqual({ hit: true, key });
    expect(lookupCachedKey('p24999')).toEqual({ hit: true, key: null });
    expect(lookupCachedKey('p0')).toEqual({ hit: false });
  });
});
