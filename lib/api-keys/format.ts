import 'server-only';
import crypto from 'node:crypto';

/**
 * `gk_<prefix>_<secret>`: the prefix (8 lowercase base32 characters) is public and unique, and
 * finds the row; the secret (32 random bytes, base64url) is never stored. The stored hash covers
 * the whole key. A recognisable `gk_` shape lets secret scanners and our log scrubber spot leaks.
 */

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const PREFIX_LENGTH = 8;
const SECRET_BYTES = 32;
const KEY_SHAPE = /^gk_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): { prefix: string; key: string } {
  let prefix = '';
  for (let i = 0; i < PREFIX_LENGTH; i++) prefix += PREFIX_ALPHABET[crypto.randomInt(PREFIX_ALPHABET.length)];
  return { prefix, key: `gk_${prefix}_${crypto.randomBytes(SECRET_BYTES).toString('base64url')}` };
}

/** SHA-256 hex of the whole key. A fast hash is enough: the secret has 256 bits of entropy. */
export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** The key from `Authorization: Bearer gk_…` (scheme case-insensitive, RFC 9110 §11.1), or null. */
export function parseBearerApiKey(header: string | null | undefined): { prefix: string; key: string } | null {
  if (!header || header.length > 200) return null;
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  const key = match?.[1];
  const shape = key ? KEY_SHAPE.exec(key) : null;
  if (!key || !shape?.[1]) return null;
  return { prefix: shape[1], key };
}

/** Constant-time comparison of two SHA-256 hex digests. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && crypto.timingSafeEqual(x, y);
}
