import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir, processStartTime } from './data-dir-lock';

/**
 * The embedded database's lock file in the odd states a crash or an older version leaves it
 * (issue 11 §6; the common cases are in tests/integration/database-open.test.ts): an unreadable
 * or nonsensical owner never blocks start-up, a lock from another boot is stale, and releasing
 * never removes a lock another process has taken since.
 */

let dir: string;
let lockPath: string;
const releases: (() => void)[] = [];
const take = () => {
  const release = lockDataDir(dir);
  releases.push(release);
  return release;
};
const ownsLock = () => JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid === process.pid;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-lock-'));
  lockPath = path.join(dir, LOCK_FILE);
});
afterEach(() => {
  for (const r of releases.splice(0)) r();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('lockDataDir', () => {
  it.each([
    ['garbage', 'not json'],
    ['a pid of zero', JSON.stringify({ pid: 0, startTime: '1', bootId: 'b' })],
    ['a pid that is not a number', JSON.stringify({ pid: 'abc' })],
  ])('takes over a lock file holding %s', (_what, text) => {
    fs.writeFileSync(lockPath, text);
    take();
    expect(ownsLock()).toBe(true);
  });

  it('takes over a lock a live process wrote in an earlier boot (its pid and start time mean nothing now)', () => {
    const pid = process.ppid;
    fs.writeFileSync(lockPath, JSON.stringify({ pid, startTime: processStartTime(pid), bootId: 'another-boot' }));
    take();
    expect(ownsLock()).toBe(true);
  });

  it('the old bare-pid format: refused while that pid is a live Node.js process, taken over once it is dead', () => {
    fs.writeFileSync(lockPath, String(process.ppid)); // vitest's parent: a live node process
    expect(() => take()).toThrow(`already in use by process ${process.ppid}`);
    fs.writeFileSync(lockPath, '2147483646');
    take();
    expect(ownsLock()).toBe(true);
  });

  it('releasing leaves alone a lock another process has taken since', () => {
    const release = take();
    const other = JSON.stringify({ pid: 4242, startTime: '1', bootId: 'b' });
    fs.writeFileSync(lockPath, other);
    release();
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(other);
    release(); // twice is harmless
    fs.rmSync(lockPath);
    release();
    expect(fs.existsSync(lockPath)).toBe(false);
  });
});

describe('processStartTime', () => {
  it('is null for a process that does not exist', () => {
    expect(processStartTime(2147483646)).toBeNull();
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
  });
});
