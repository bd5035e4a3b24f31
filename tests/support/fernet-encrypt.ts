import crypto from 'node:crypto';

/**
 * Fernet encryption for specs that write connection rows straight into PostgreSQL (lib/tokens is
 * server-only and cannot be imported here). The same layout as lib/tokens/fernet.ts — version
 * 0x80, timestamp, IV, AES-128-CBC ciphertext, HMAC-SHA256 — so the server decrypts it as its own.
 */
export function fernetEncrypt(key: string, plaintext: string): string {
  const bytes = Buffer.from(key.replace(/=+$/, ''), 'base64url');
  if (bytes.length !== 32) throw new Error('a Fernet key is 32 bytes of url-safe base64');
  const iv = crypto.randomBytes(16);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)));
  const cipher = crypto.createCipheriv('aes-128-cbc', bytes.subarray(16), iv);
  const body = Buffer.concat([Buffer.from([0x80]), time, iv, cipher.update(plaintext, 'utf8'), cipher.final()]);
  const mac = crypto.createHmac('sha256', bytes.subarray(0, 16)).update(body).digest();
  const token = Buffer.concat([body, mac]).toString('base64url');
  return token + '='.repeat((4 - (token.length % 4)) % 4);
}

/** The reverse, for specs that check what the server stored; throws when the HMAC does not match. */
export function fernetDecrypt(key: string, token: string): string {
  const bytes = Buffer.from(key.replace(/=+$/, ''), 'base64url');
  const raw = Buffer.from(token.replace(/=+$/, ''), 'base64url');
  const body = raw.subarray(0, raw.length - 32);
  const mac = crypto.createHmac('sha256', bytes.subarray(0, 16)).update(body).digest();
  if (body[0] !== 0x80 || !crypto.timingSafeEqual(mac, raw.subarray(raw.length - 32))) throw new Error('not a Fernet token of this key');
  const decipher = crypto.createDecipheriv('aes-128-cbc', bytes.subarray(16), body.subarray(9, 25));
  return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]).toString('utf8');
}
