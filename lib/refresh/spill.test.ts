import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptToken } from '../tokens/keys';
import { listSpilled, readSealedSpill, readSpilled, replaceSealedSpill, spillResult, SPILL_DIR, type KeptResult } from './spill';

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-spill-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const kept = (connectionId: string): KeptResult => ({
  v: 1,
  connectionId,
  userId: 'alice',
  provider: 'x',
  tokenVersion: 3,
  owner: 'sweep:host:1:ab-cd',
  accessToken: 'access-token-plaintext',
  refreshToken: 'refresh-token-plaintext',
  expiresAt: '2026-12-02T21:00:00.000Z',
  refreshTokenExpiresAt: null,
  scopes: ['tweet.read'],
  nextAttemptAt: '2026-12-02T20:55:00.000Z',
  rotated: true,
});

describe('spill files', () => {
  it('are encrypted, 0600 in a 0700 directory, listed per connection and read back', () => {
    const dir = tmp();
    const file = spillResult(dir, kept('c-1'));
    spillResult(dir, kept('c-2'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, SPILL_DIR)).mode & 0o777).toBe(0o700);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('plaintext');
    expect(listSpilled(dir, 'c-1')).toEqual([file]);
    expect(listSpilled(dir)).toHaveLength(2);
    expect(readSpilled(file)).toEqual(kept('c-1'));
  });

  it('a file that opens but is not a kept result is set aside, not retried for ever', () => {
    const dir = tmp();
    const file = spillResult(dir, kept('c-3'));
    fs.writeFileSync(file, encryptToken(JSON.stringify({ something: 'else' })));
    expect(readSpilled(file)).toBeUndefined();
    expect(listSpilled(dir)).toEqual([]);
    expect(fs.existsSync(`${file}.corrupt`)).toBe(true);
  });

  it('nothing spilled: an empty list, not an error', () => {
    expect(listSpilled(tmp())).toEqual([]);
  });
  it('a spill directory that cannot be listed is an error, not "nothing kept"', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, SPILL_DIR), 'not a directory');
    expect(() => listSpilled(dir)).toThrow(/ENOTDIR/);
  });

  it('key rotation replaces a file only while it holds what was read: a file changed or applied meanwhile is left alone', () => {
    const dir = tmp();
    const file = spillResult(dir, kept('c-4'));
    const sealed = readSealedSpill(file)!;
    const resealed = encryptToken(JSON.stringify(kept('c-4')));
    expect(replaceSealedSpill(file, 'something else', resealed)).toBe(false);
    expect(readSealedSpill(file)).toBe(sealed);
    expect(replaceSealedSpill(file, sealed, resealed)).toBe(true);
    expect(readSealedSpill(file)).toBe(resealed);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.rmSync(file);
    expect(readSealedSpill(file)).toBeUndefined();
    expect(replaceSealedSpill(file, resealed, sealed)).toBe(false);
    expect(fs.readdirSync(path.join(dir, SPILL_DIR))).toEqual([]); // not brought back, no temporary left
  });
});
