import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  FernetKeyError,
  InvalidFernetToken,
  MultiFernet,
  decryptWithKey,
  encryptWithKey,
  generateFernetKey,
  parseFernetKey,
} from './fernet';

// Official vectors from https://github.com/fernet/spec, checked out next to the repo.
const SPEC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fernet-spec');

interface Vector {
  token: string;
  now: string;
  secret: string;
  iv?: number[];
  src?: string;
  ttl_sec?: number;
  desc?: string;
}

// A missing spec folder must fail the run loudly, never quietly test nothing.
function loadVectors(name: string): Vector[] {
  const file = path.join(SPEC_DIR, name);
  let vectors: unknown;
  try {
    vectors = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Fernet spec vectors missing or unreadable at ${file}: ${String(error)}`);
  }
  if (!Array.isArray(vectors) || vectors.length === 0) throw new Error(`no vectors in ${file}`);
  return vectors as Vector[];
}

const unixSeconds = (rfc3339: string) => Date.parse(rfc3339) / 1000;
const KEY_A = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const KEY_B = generateFernetKey();

describe('Fernet spec vectors', () => {
  it.each(loadVectors('generate.json'))('generates $token', (v) => {
    const opts = { now: unixSeconds(v.now), iv: Buffer.from(v.iv ?? []) };
    expect(encryptWithKey(parseFernetKey(v.secret), v.src ?? '', opts)).toBe(v.token);
  });

  it.each(loadVectors('verify.json'))('verifies $token', (v) => {
    const plain = decryptWithKey(parseFernetKey(v.secret), v.token, { ttl: v.ttl_sec, now: unixSeconds(v.now) });
    expect(plain.toString('utf8')).toBe(v.src);
  });

  it.each(loadVectors('invalid.json'))('rejects: $desc', (v) => {
    const decrypt = () => decryptWithKey(parseFernetKey(v.secret), v.token, { ttl: v.ttl_sec, now: unixSeconds(v.now) });
    expect(decrypt).toThrow(InvalidFernetToken);
  });
});

describe('keys', () => {
  it('generates keys in the same shape as Python', () => {
    expect(generateFernetKey()).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(generateFernetKey()).not.toBe(generateFernetKey());
  });

  it('accepts keys with or without padding', () => {
    expect(parseFernetKey(KEY_A.slice(0, -1))).toEqual(parseFernetKey(KEY_A));
  });

  it.each([
    ['too short', KEY_A.slice(0, -4)],
    ['too long', `${KEY_A.slice(0, -1)}AAAA`],
    ['standard base64 alphabet', KEY_A.replace('_', '/')],
    ['embedded whitespace', ` ${KEY_A}`],
    ['empty', ''],
  ])('rejects a key that is %s without echoing it', (_label, bad) => {
    expect(() => parseFernetKey(bad)).toThrow(FernetKeyError);
    expect(() => parseFernetKey(bad)).toThrow(/not a Fernet key/);
    if (bad.length > 8) expect(() => parseFernetKey(bad)).not.toThrow(bad.slice(2, 10));
  });
});

describe('token integrity', () => {
  const key = parseFernetKey(KEY_A);
  // 20 bytes of plaintext make an 89-byte token, so its base64 carries `=` padding.
  const token = encryptWithKey(key, 'x'.repeat(20), { now: 1_700_000_000 });
  const bytes = Buffer.from(token, 'base64url');
  const reencode = (b: Buffer) => b.toString('base64').replaceAll('+', '-').replaceAll('/', '_');

  it('round-trips strings and bytes', () => {
    for (const text of ['', 'ya29.a0Af-token', 'héllo ✓ 🔑']) {
      expect(decryptWithKey(key, encryptWithKey(key, text)).toString('utf8')).toBe(text);
    }
    const binary = Buffer.from([0, 255, 128, 10]);
    expect(decryptWithKey(key, encryptWithKey(key, binary))).toEqual(binary);
  });

  it.each([
    ['version', 0],
    ['timestamp', 5],
    ['iv', 12],
    ['ciphertext', 30],
    ['hmac', bytes.length - 1],
  ])('rejects a flipped %s byte', (_region, offset) => {
    const tampered = Buffer.from(bytes);
    tampered[offset] = (tampered[offset] ?? 0) ^ 0x01;
    expect(() => decryptWithKey(key, reencode(tampered))).toThrow(InvalidFernetToken);
  });

  it.each([
    ['missing padding', token.replace(/=+$/, '')],
    ['standard base64 alphabet', reencode(bytes).replace(/[-_]/g, (c) => (c === '-' ? '+' : '/'))],
    ['whitespace', `${token.slice(0, 20)}\n${token.slice(20)}`],
    ['truncation', token.slice(0, 100)],
  ])('rejects %s', (_label, bad) => {
    expect(bad).not.toBe(token);
    expect(() => decryptWithKey(key, bad)).toThrow(InvalidFernetToken);
  });

  it('rejects a token made with another key, without leaking it', () => {
    const other = encryptWithKey(parseFernetKey(KEY_B), 'secret');
    expect(() => decryptWithKey(key, other)).toThrow(InvalidFernetToken);
    expect(() => decryptWithKey(key, other)).not.toThrow(other.slice(0, 20));
  });

  it('applies ttl and the 60 s clock skew only when a ttl is given, like Python', () => {
    const issued = 1_700_000_000;
    const t = encryptWithKey(key, 'x', { now: issued });
    expect(() => decryptWithKey(key, t, { ttl: 10, now: issued + 11 })).toThrow(InvalidFernetToken);
    expect(decryptWithKey(key, t, { ttl: 10, now: issued + 10 }).toString()).toBe('x');
    expect(() => decryptWithKey(key, t, { ttl: 10, now: issued - 61 })).toThrow(InvalidFernetToken);
    expect(decryptWithKey(key, t, { ttl: 10, now: issued - 60 }).toString()).toBe('x');
    expect(decryptWithKey(key, t, { now: issued + 10 ** 9 }).toString()).toBe('x');
  });
});

describe('MultiFernet', () => {
  const rotated = new MultiFernet([KEY_B, KEY_A]);
  const legacy = new MultiFernet([KEY_A]);

  it('encrypts with the first key and still decrypts with older ones', () => {
    expect(decryptWithKey(parseFernetKey(KEY_B), rotated.encrypt('new')).toString()).toBe('new');
    expect(rotated.decrypt(legacy.encrypt('old'))).toBe('old');
  });

  it('rotate() re-encrypts under the primary key and keeps the timestamp', () => {
    const old = encryptWithKey(parseFernetKey(KEY_A), 'refresh-token', { now: 1_600_000_000 });
    const fresh = rotated.rotate(old);
    expect(new MultiFernet([KEY_B]).decrypt(fresh)).toBe('refresh-token');
    expect(() => legacy.decrypt(fresh)).toThrow(InvalidFernetToken);
    expect(Buffer.from(fresh, 'base64url').subarray(1, 9)).toEqual(Buffer.from(old, 'base64url').subarray(1, 9));
  });

  it('isCurrent() tells whether rotation is needed', () => {
    const old = legacy.encrypt('t');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.rotate(old))).toBe(true);
    expect(rotated.isCurrent('garbage')).toBe(false);
  });

  it('fromEnv() trims, skips empty entries and keeps order', () => {
    const fromEnv = MultiFernet.fromEnv(` ${KEY_B} , ,${KEY_A},`);
    expect(fromEnv.decrypt(legacy.encrypt('a'))).toBe('a');
    expect(fromEnv.isCurrent(fromEnv.encrypt('b'))).toBe(true);
    expect(legacy.isCurrent(fromEnv.encrypt('b'))).toBe(false);
  });

  it('fromEnv() names the malformed position without echoing the value', () => {
    const bad = `${KEY_A.slice(0, 30)}!!`;
    const attempt = () => MultiFernet.fromEnv(`${KEY_B},${bad},${KEY_A}`);
    expect(attempt).toThrow(FernetKeyError);
    expect(attempt).toThrow(/key 2 of 3/);
    expect(attempt).not.toThrow(KEY_A.slice(0, 10));
    expect(() => MultiFernet.fromEnv(' , ')).toThrow(FernetKeyError);
  });
});

// The real Python implementation, run as /usr/bin/python3 because a pyenv python on
// PATH may lack the package. Keys travel in the environment, never in argv.
const PYTHON = '/usr/bin/python3';
const PY_PRELUDE = 'import os, sys\nfrom cryptography.fernet import Fernet, MultiFernet\n';
const PY_KEYS = "f = MultiFernet([Fernet(k) for k in os.environ['FERNET_KEYS'].split(',')])\n";
const PY_ENCRYPT = `${PY_PRELUDE}${PY_KEYS}sys.stdout.write(f.encrypt(sys.stdin.buffer.read()).decode())`;
const PY_DECRYPT = `${PY_PRELUDE}${PY_KEYS}sys.stdout.buffer.write(f.decrypt(sys.stdin.read().strip()))`;

// A bare environment keeps pyenv/PYTHONPATH settings out; Next's types insist on NODE_ENV.
const pythonEnv = (keys: string[]) => ({ NODE_ENV: 'test' as const, FERNET_KEYS: keys.join(',') });

function python(script: string, keys: string[], input: string): string {
  try {
    execFileSync(PYTHON, ['-c', 'import cryptography.fernet'], { env: pythonEnv([]), stdio: 'pipe' });
  } catch {
    throw new Error(`${PYTHON} cannot import cryptography: run \`apt-get install python3-cryptography\``);
  }
  return execFileSync(PYTHON, ['-c', script], { env: pythonEnv(keys), input, encoding: 'utf8' });
}

describe('Python cryptography interop', () => {
  it('decrypts a token made by Python', () => {
    const token = python(PY_ENCRYPT, [KEY_B], 'from python ✓');
    expect(new MultiFernet([KEY_B]).decrypt(token)).toBe('from python ✓');
  });

  it('produces tokens Python decrypts', () => {
    const token = new MultiFernet([KEY_B]).encrypt('from node ✓');
    expect(python(PY_DECRYPT, [KEY_B], token)).toBe('from node ✓');
  });

  it('rotates a Python token so Python decrypts it with the new key alone', () => {
    const freshKey = generateFernetKey();
    const old = python(PY_ENCRYPT, [KEY_A], 'rotate me');
    const rotated = new MultiFernet([freshKey, KEY_A]).rotate(old);
    expect(python(PY_DECRYPT, [freshKey], rotated)).toBe('rotate me');
    expect(python(PY_DECRYPT, [freshKey, KEY_A], rotated)).toBe('rotate me');
  });
});
