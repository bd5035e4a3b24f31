import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';

/**
 * Fernet throughput in this process, single-threaded, through the same MultiFernet the app uses
 * (lib/tokens/keys.ts wraps it): a ~200-byte token (a Meta-sized access token), encrypted and
 * decrypted in a loop for a fixed time after a warm-up.
 */
export interface FernetResult {
  plaintextBytes: number;
  ciphertextChars: number;
  encryptPerSec: number;
  decryptPerSec: number;
  /** Decrypt with a second, older key in the list that does not match: the rotation worst case. */
  decryptSecondKeyPerSec: number;
}

function opsPerSec(fn: () => void, ms: number): number {
  const warm = performance.now() + 200;
  while (performance.now() < warm) fn();
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  // Check the clock every 256 calls; the loop is bounded by time.
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) fn();
    n += 256;
  }
  return n / ((performance.now() - start) / 1000);
}

export function benchFernet(ms = 2_000): FernetResult {
  const key = generateFernetKey();
  const cipher = new MultiFernet([key]);
  const rotated = new MultiFernet([generateFernetKey(), key]);
  const plaintext = `EAA${crypto.randomBytes(148).toString('base64url')}`.slice(0, 200);
  const token = cipher.encrypt(plaintext);
  if (cipher.decrypt(token) !== plaintext || rotated.decrypt(token) !== plaintext) throw new Error('Fernet round trip failed');
  let sink = 0;
  const encryptPerSec = opsPerSec(() => (sink += cipher.encrypt(plaintext).length), ms);
  const decryptPerSec = opsPerSec(() => (sink += cipher.decrypt(token).length), ms);
  const decryptSecondKeyPerSec = opsPerSec(() => (sink += rotated.decrypt(token).length), ms);
  if (sink === 0) throw new Error('unreachable');
  return { plaintextBytes: Buffer.byteLength(plaintext), ciphertextChars: token.length, encryptPerSec, decryptPerSec, decryptSecondKeyPerSec };
}
