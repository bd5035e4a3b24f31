import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, hashesEqual, parseBearerApiKey } from './format';

describe('API key format', () => {
  it('is gk_<8 lowercase base32>_<32 bytes base64url>, random each time', () => {
    const { prefix, key } = generateApiKey();
    expect(prefix).toMatch(/^[a-z2-7]{8}$/);
    expect(key).toMatch(new RegExp(`^gk_${prefix}_[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(key.slice(12), 'base64url')).toHaveLength(32);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('hashes the whole key with SHA-256', () => {
    const { key } = generateApiKey();
    expect(hashApiKey(key)).toBe(crypto.createHash('sha256').update(key).digest('hex'));
  });

  it('parses Bearer headers and rejects everything else', () => {
    const { prefix, key } = generateApiKey();
    expect(parseBearerApiKey(`Bearer ${key}`)).toEqual({ prefix, key });
    expect(parseBearerApiKey(`bearer ${key}`)).toEqual({ prefix, key });
    for (const header of [
      null,
      '',
      key,
      `Basic ${key}`,
      `Bearer ${key} extra`,
      `Bearer ${key.slice(0, -1)}`,
      `Bearer ${key}A`,
      `Bearer gk_ABCDEFGH_${key.slice(12)}`,
      `Bearer sk_${key.slice(3)}`,
      `Bearer ${key}`.padEnd(300, ' '),
    ]) {
      expect(parseBearerApiKey(header), String(header)).toBeNull();
    }
  });

  it('compares hashes in constant time and refuses malformed ones', () => {
    const a = hashApiKey('a');
    expect(hashesEqual(a, a)).toBe(true);
    expect(hashesEqual(a, hashApiKey('b'))).toBe(false);
    expect(hashesEqual(a, a.slice(0, 62))).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
  });
});
