import 'server-only';

import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Fernet (https://github.com/fernet/spec/blob/master/Spec.md), byte-compatible with
// Python's cryptography.fernet. Token layout, all concatenated then url-safe base64:
//   version (1) | timestamp (8, big-endian) | IV (16) | ciphertext (16n) | HMAC-SHA256 (32)
const VERSION = 0x80;
const TIMESTAMP_END = 9;
const IV_END = 25;
const IV_BYTES = 16;
const HMAC_BYTES = 32;
const BLOCK_BYTES = 16;
const MIN_TOKEN_BYTES = IV_END + BLOCK_BYTES + HMAC_BYTES;
// Same tolerance as Python's _MAX_CLOCK_SKEW.
const MAX_CLOCK_SKEW_SECONDS = 60;
// Canonical url-safe base64 with `=` padding, as Python's urlsafe_b64encode emits.
// Node's decoder silently skips stray characters, so the shape is checked up front.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+={0,2}$/;

const KEY_HINT = 'expected 32 bytes of url-safe base64 (generate one with `npm run keys:generate`)';

/** Raised for unusable key material. The message never contains the key. */
export class FernetKeyError extends Error {
  constructor(message = `not a Fernet key: ${KEY_HINT}`) {
    super(message);
    this.name = 'FernetKeyError';
  }
}

/** Raised for any token that fails to verify or decrypt. Deliberately says nothing more. */
export class InvalidFernetToken extends Error {
  constructor() {
    super('invalid or expired Fernet token');
    this.name = 'InvalidFernetToken';
  }
}

export interface FernetKey {
  readonly signingKey: Buffer;
  readonly encryptionKey: Buffer;
}

export interface EncryptOptions {
  /** Unix seconds to stamp into the token; defaults to the current time. */
  now?: number;
  /** Fixed 16-byte IV, only for reproducing spec vectors; defaults to a random one. */
  iv?: Buffer;
}

export interface DecryptOptions {
  /** Maximum token age in seconds. Without it no time checks are made (as in Python). */
  ttl?: number;
  /** Unix seconds to treat as the current time; defaults to the current time. */
  now?: number;
}

/** Splits a url-safe base64 key (padding optional) into signing and encryption halves. */
export function parseFernetKey(b64url: string): FernetKey {
  const body = b64url.endsWith('=') ? b64url.slice(0, -1) : b64url;
  const bytes = Buffer.from(body, 'base64url');
  // Re-encoding catches everything Node's lenient decoder would silently skip.
  if (bytes.length !== 32 || bytes.toString('base64url') !== body) throw new FernetKeyError();
  // Short decodes come from Node's shared pool; give the key its own memory.
  const own = Buffer.alloc(32);
  bytes.copy(own);
  // The spec: first 128 bits sign, last 128 bits encrypt.
  return Object.freeze({ signingKey: own.subarray(0, 16), encryptionKey: own.subarray(16) });
}

/** Same format as Python's Fernet.generate_key(). */
export function generateFernetKey(): string {
  return toPaddedBase64Url(randomBytes(32));
}

export function encryptWithKey(key: FernetKey, plaintext: string | Buffer, opts: EncryptOptions = {}): string {
  const now = opts.now ?? currentUnixSeconds();
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError('now must be non-negative whole unix seconds');
  const iv = opts.iv ?? randomBytes(IV_BYTES);
  if (iv.length !== IV_BYTES) throw new RangeError(`iv must be ${IV_BYTES} bytes`);
  return sealToken(key, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, now, iv);
}

export function decryptWithKey(key: FernetKey, token: string, opts: DecryptOptions = {}): Buffer {
  const data = decodeToken(token);
  if (!hasValidHmac(key, data)) throw new InvalidFernetToken();
  checkTimestamp(data, opts);
  return openPayload(key, data);
}

/** Key rotation: the first key encrypts, every key is tried in order to decrypt. */
export class MultiFernet {
  private readonly keys: readonly [FernetKey, ...FernetKey[]];

  constructor(keys: readonly (string | FernetKey)[]) {
    const parsed = keys.map((key, index) => parseKeyAt(key, index, keys.length));
    const [primary, ...rest] = parsed;
    if (!primary) throw new FernetKeyError(`no Fernet keys given: ${KEY_HINT}`);
    this.keys = [primary, ...rest];
  }

  /** Parses a comma-separated key list such as FERNET_KEYS="new,old". */
  static fromEnv(value: string): MultiFernet {
    const keys = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
    return new MultiFernet(keys);
  }

  encrypt(plaintext: string): string {
    return encryptWithKey(this.keys[0], plaintext);
  }

  decrypt(token: string, opts: DecryptOptions = {}): string {
    const data = decodeToken(token);
    const key = this.findSigningKey(data);
    checkTimestamp(data, opts);
    return openPayload(key, data).toString('utf8');
  }

  /** Re-encrypts under the primary key, keeping the original timestamp like Python's rotate(). */
  rotate(token: string): string {
    const data = decodeToken(token);
    const plaintext = openPayload(this.findSigningKey(data), data);
    return sealToken(this.keys[0], plaintext, readTimestamp(data), randomBytes(IV_BYTES));
  }

  /** True when the primary key already signs this token, i.e. rotate() would be a no-op. */
  isCurrent(token: string): boolean {
    try {
      return hasValidHmac(this.keys[0], decodeToken(token));
    } catch {
      return false;
    }
  }

  private findSigningKey(data: Buffer): FernetKey {
    const key = this.keys.find((candidate) => hasValidHmac(candidate, data));
    if (!key) throw new InvalidFernetToken();
    return key;
  }
}

function parseKeyAt(key: string | FernetKey, index: number, count: number): FernetKey {
  if (typeof key !== 'string') return key;
  try {
    return parseFernetKey(key);
  } catch {
    throw new FernetKeyError(`Fernet key ${index + 1} of ${count} is malformed: ${KEY_HINT}`);
  }
}

function sealToken(key: FernetKey, plaintext: Buffer, now: number, iv: Buffer): string {
  const cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv); // PKCS7 padding is Node's default
  const head = Buffer.allocUnsafe(IV_END);
  head[0] = VERSION;
  head.writeBigUInt64BE(BigInt(now), 1);
  iv.copy(head, TIMESTAMP_END);
  const signed = Buffer.concat([head, cipher.update(plaintext), cipher.final()]);
  const hmac = createHmac('sha256', key.signingKey).update(signed).digest();
  return toPaddedBase64Url(Buffer.concat([signed, hmac]));
}

/** Decodes and checks the layout; the contents are not trusted until the HMAC verifies. */
function decodeToken(token: string): Buffer {
  if (token.length % 4 !== 0 || !TOKEN_SHAPE.test(token)) throw new InvalidFernetToken();
  const data = Buffer.from(token, 'base64url');
  const cipherBytes = data.length - IV_END - HMAC_BYTES;
  if (data.length < MIN_TOKEN_BYTES || cipherBytes % BLOCK_BYTES !== 0 || data[0] !== VERSION) {
    throw new InvalidFernetToken();
  }
  return data;
}

function hasValidHmac(key: FernetKey, data: Buffer): boolean {
  const macStart = data.length - HMAC_BYTES;
  const expected = createHmac('sha256', key.signingKey).update(data.subarray(0, macStart)).digest();
  return timingSafeEqual(expected, data.subarray(macStart));
}

/** Call only after the HMAC has verified, so the timestamp is authentic. */
function checkTimestamp(data: Buffer, { ttl, now = currentUnixSeconds() }: DecryptOptions): void {
  // Python only looks at time when a ttl is given; tokens at rest (ttl undefined) never expire.
  if (ttl === undefined) return;
  if (!Number.isFinite(ttl) || ttl < 0 || !Number.isFinite(now)) throw new RangeError('ttl and now must be finite seconds');
  const issuedAt = readTimestamp(data);
  if (issuedAt + ttl < now || issuedAt > now + MAX_CLOCK_SKEW_SECONDS) throw new InvalidFernetToken();
}

function openPayload(key: FernetKey, data: Buffer): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', key.encryptionKey, data.subarray(TIMESTAMP_END, IV_END));
  try {
    const first = decipher.update(data.subarray(IV_END, data.length - HMAC_BYTES));
    return Buffer.concat([first, decipher.final()]); // final() throws on bad PKCS7 padding
  } catch {
    throw new InvalidFernetToken();
  }
}

function readTimestamp(data: Buffer): number {
  return Number(data.readBigUInt64BE(1));
}

function currentUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function toPaddedBase64Url(bytes: Buffer): string {
  const unpadded = bytes.toString('base64url');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}
