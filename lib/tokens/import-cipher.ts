import 'server-only';
import crypto from 'node:crypto';
import { MultiFernet } from './fernet';

/**
 * Tokens brought in from elsewhere (the prototype's Python Fernet): which configured key reads
 * each one, and the same token re-encrypted under the first key. Keys are only ever named by
 * fingerprint.
 */
export interface ImportCipher {
  /** One per configured key, in ENCRYPTION_KEYS order. */
  readonly fingerprints: readonly string[];
  /** The index of the configured key that decrypts the token to non-empty text, or null. */
  readableBy(token: string): number | null;
  /** Re-encrypted under the first key (timestamp kept, like Python's MultiFernet.rotate). */
  reencrypt(token: string): string;
}

export function createImportCipher(keyList: string): ImportCipher {
  const keys = keyList
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const all = new MultiFernet(keys);
  const single = keys.map((k) => new MultiFernet([k]));
  return {
    fingerprints: keys.map(keyFingerprint),
    readableBy(token) {
      for (const [index, cipher] of single.entries()) {
        try {
          if (cipher.decrypt(token) !== '') return index;
        } catch {
          // not this key
        }
      }
      return null;
    },
    reencrypt: (token) => all.rotate(token),
  };
}

/**
 * First 16 hex digits of SHA-256 over the key's 32 raw bytes. Reproducible without Grantkeeper:
 * python3 -c 'import base64,hashlib,sys; print(hashlib.sha256(base64.urlsafe_b64decode(sys.argv[1])).hexdigest()[:16])' KEY
 */
export function keyFingerprint(key: string): string {
  const body = key.trim().replace(/=+$/, '');
  return crypto.createHash('sha256').update(Buffer.from(body, 'base64url')).digest('hex').slice(0, 16);
}
