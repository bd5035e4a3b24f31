import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { decryptToken, encryptToken } from '../tokens/keys';

/**
 * New tokens that reached neither their row nor the pending-result table (the database was
 * unreachable) are kept on local disk until a refresher on this host can apply them: one file per
 * result in `<data dir>/pending-refresh/`, the whole record Fernet-encrypted, mode 0600, written
 * to a temporary name, flushed and renamed so a crash leaves either nothing or a complete file.
 */
export const SPILL_DIR = 'pending-refresh';

export const keptResultSchema = z.object({
  v: z.literal(1),
  connectionId: z.string(),
  userId: z.string(),
  provider: z.string(),
  /** The token version the refresh started from; applied only while the row still has it. */
  tokenVersion: z.number().int(),
  /** The refresher that obtained it (its lease may still be on the row). */
  owner: z.string(),
  accessToken: z.string(),
  refreshToken: z.string().nullable(),
  expiresAt: z.iso.datetime(),
  refreshTokenExpiresAt: z.iso.datetime().nullable(),
  scopes: z.array(z.string()).nullable(),
  nextAttemptAt: z.iso.datetime(),
  rotated: z.boolean(),
});
export type KeptResult = z.infer<typeof keptResultSchema>;

export function sealKeptResult(result: KeptResult): string {
  return encryptToken(JSON.stringify(result));
}

/** Throws when no configured key opens it (see isUnreadableToken) or it is not a kept result. */
export function openKeptResult(sealed: string): KeptResult {
  return keptResultSchema.parse(JSON.parse(decryptToken(sealed)));
}

export function spillResult(dataDir: string, result: KeptResult): string {
  const dir = path.join(/*turbopackIgnore: true*/ dataDir, SPILL_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `${result.connectionId}.${result.tokenVersion}.${crypto.randomBytes(4).toString('hex')}.fernet`;
  const file = path.join(dir, name);
  const tmp = writeTemporary(file, sealKeptResult(result));
  fs.renameSync(tmp, file);
  return file;
}

/** A hidden sibling of `file` (never listed) holding `content`, flushed to disk; 0600. */
function writeTemporary(file: string, content: string): string {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(3).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/** A spill file's ciphertext as stored; undefined once it is gone (applied meanwhile). */
export function readSealedSpill(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Replaces a spill file's ciphertext with `next` (key rotation: the same result under the current
 * key), atomically, and only while it still holds `expected`; false when it changed or went. A
 * file applied and removed in the instant between the check and the rename comes back as a copy
 * of a result already applied: its token version is spent, so the next pass drops it as stale.
 */
export function replaceSealedSpill(file: string, expected: string, next: string): boolean {
  const tmp = writeTemporary(file, next);
  try {
    if (readSealedSpill(file) !== expected) return false;
    fs.renameSync(tmp, file);
    return true;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Spilled results, all or one connection's. */
export function listSpilled(dataDir: string, connectionId?: string): string[] {
  const dir = path.join(/*turbopackIgnore: true*/ dataDir, SPILL_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.fernet') && !n.startsWith('.') && (!connectionId || n.startsWith(`${connectionId}.`)))
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * The kept result in a spill file. Throws when no configured key opens it (the caller parks the
 * connection as key_unavailable); a file that opens but is not a kept result is renamed to
 * `.corrupt` for a person to look at, and undefined returned, so it cannot block refreshing.
 */
export function readSpilled(file: string): KeptResult | undefined {
  const sealed = fs.readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(decryptToken(sealed));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  const parsed = keptResultSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  fs.renameSync(file, `${file}.corrupt`);
  return undefined;
}

export function removeSpilled(file: string): void {
  fs.rmSync(file, { force: true });
}
