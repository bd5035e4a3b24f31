import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getEnv, type Env } from '../env';
import { getLogger } from '../log';
import { FernetKeyError, generateFernetKey, InvalidFernetToken, MultiFernet } from './fernet';

/**
 * The token cipher. ENCRYPTION_KEYS (comma separated, first encrypts, all decrypt) when set;
 * otherwise the embedded default keeps one generated key in `<data dir>/encryption.key`.
 */

export const KEY_FILE = 'encryption.key';

export function loadKeyList(env: Pick<Env, 'encryptionKeys' | 'dataDir'>): string {
  if (env.encryptionKeys) return env.encryptionKeys;
  const file = path.join(/*turbopackIgnore: true*/ env.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${generateFernetKey()}\n`, { mode: 0o600, flag: 'wx' });
      getLogger().warn(
        { file },
        'generated a new encryption key for the embedded database; back it up: without it stored tokens cannot be read',
      );
    } catch (err) {
      // Another process won the race; use its key.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

const holder = globalThis as unknown as { grantkeeperCipher?: MultiFernet };

export function getCipher(): MultiFernet {
  holder.grantkeeperCipher ??= MultiFernet.fromEnv(loadKeyList(getEnv()));
  return holder.grantkeeperCipher;
}

/** Tests that change ENCRYPTION_KEYS call this (with resetEnvForTests) so the next use reads them. */
export function resetCipherForTests(): void {
  holder.grantkeeperCipher = undefined;
}

/** Only lib/tokens turns tokens into ciphertext and back. */
export function encryptToken(plaintext: string): string {
  return getCipher().encrypt(plaintext);
}

export function decryptToken(ciphertext: string): string {
  return getCipher().decrypt(ciphertext);
}

/** True when a stored value cannot be read with the configured keys (wrong, missing or broken key). */
export function isUnreadableToken(err: unknown): boolean {
  return err instanceof InvalidFernetToken || err instanceof FernetKeyError;
}

/**
 * Names the configured key set without revealing it: a hash of the sorted keys, so reordering
 * them (rotation) keeps it and adding or replacing one changes it.
 */
export function keySetFingerprint(): string {
  const keys = loadKeyList(getEnv())
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .sort();
  return crypto.createHash('sha256').update(`grantkeeper key set\n${keys.join('\n')}`).digest('hex').slice(0, 16);
}
