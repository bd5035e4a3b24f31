import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processStartTime } from '@/lib/db/data-dir-lock';
import { openPGlite } from '@/lib/db/pglite-driver';
import { getLogger } from '@/lib/log';
import { openPostgres } from '@/lib/db/postgres-driver';
import { DatabaseUnavailableError } from '@/lib/db/types';
import { freePort } from '../support/postgres-server';

describe('opening the database', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-open-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails fast on an unreachable DATABASE_URL, naming the variable and never the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await openPostgres(`postgres://grantkeeper:pa55word-secret@127.0.0.1:${port}/app`).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain(`127.0.0.1:${port}/app`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('pa55word-secret');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses an embedded database that another live process holds, naming that process', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, 'pglite.lock'), String(holder.pid));
      const error = await openPGlite(dir).catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.message).toContain(`already in use by process ${holder.pid}`);
      expect(fs.existsSync(path.join(dir, 'pglite'))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it('takes over a stale lock left by a dead process, and releases it on close', async () => {
    const dir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.on('exit', resolve));
    fs.writeFileSync(path.join(dir, 'pglite.lock'), String(dead.pid));

    const db = await openPGlite(dir);
    expect(lockPid(dir)).toBe(process.pid);
    expect(await db.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
    await db.close();
    expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(false);
  });

  it('takes over a lock naming a live but unrelated process (pid reused after a crash)', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await waitForProc(sleeper.pid!);
      for (const lock of [
        // Written by an older version: the bare pid, here of a process that is not a server.
        String(sleeper.pid),
        // The pid is alive, but the process that wrote the lock started at another time.
        JSON.stringify({ pid: sleeper.pid, startTime: '1', bootId: readBootId() }),
      ]) {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, 'pglite.lock'), lock);
        const db = await openPGlite(dir);
        expect(lockPid(dir)).toBe(process.pid);
        await db.close();
      }
    } finally {
      sleeper.kill();
    }
  });

  it('refuses a lock whose pid and start time match a live process', async () => {
    const dir = tempDir();
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await waitForProc(sleeper.pid!);
      const lock = JSON.stringify({ pid: sleeper.pid, startTime: processStartTime(sleeper.pid!), bootId: readBootId() });
      fs.writeFileSync(path.join(dir, 'pglite.lock'), lock);
      const error = await openPGlite(dir).catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.message).toContain(`already in use by process ${sleeper.pid}`);
      expect(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')).toBe(lock);
    } finally {
      sleeper.kill();
    }
  });

  it('refuses a second opener while another process really has the database open', async () => {
    const dir = tempDir();
    const holder = await startHolder(dir);
    try {
      const error = await openPGlite(dir).catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.message).toContain(`The embedded database in ${dir} is already in use by process ${holder.pid}`);
      expect(lockPid(dir)).toBe(holder.pid);
    } finally {
      holder.kill('SIGTERM');
      await new Promise((resolve) => holder.on('exit', resolve));
    }
  }, 60_000);

  it('narrows a data directory other users could write to 0700/0600, with a warning naming it', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'pglite', 'base'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pglite', 'base', 'page'), 'x');
    fs.writeFileSync(path.join(dir, 'encryption.key'), 'k');
    for (const d of [dir, path.join(dir, 'pglite'), path.join(dir, 'pglite', 'base')]) fs.chmodSync(d, 0o777);
    for (const f of [path.join(dir, 'pglite', 'base', 'page'), path.join(dir, 'encryption.key')]) fs.chmodSync(f, 0o666);
    const warn = vi.spyOn(getLogger(), 'warn');
    try {
      const db = await openPGlite(dir);
      await db.query('select 1');
      await db.close();
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ path: dir, fixed: 5 }), expect.stringContaining(dir));
    } finally {
      warn.mockRestore();
    }
    expect(widerThanOwner(dir)).toEqual([]);
  });

  it('creates a fresh data directory with 0700 directories and 0600 files only, without a warning', async () => {
    const dir = path.join(tempDir(), 'data');
    const previous = process.umask(0o022);
    const warn = vi.spyOn(getLogger(), 'warn');
    try {
      const db = await openPGlite(dir);
      await db.query('create table t (x int)');
      await db.query('insert into t values (1)');
      await db.close();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      process.umask(previous);
    }
    const modes = new Set(entries(dir).map((e) => `${e.dir ? 'd' : 'f'}${(e.mode & 0o777).toString(8)}`));
    expect(entries(dir).length).toBeGreaterThan(100);
    expect([...modes].sort()).toEqual(['d700', 'f600']);
  });
});

function lockPid(dir: string): number {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')) as { pid: number }).pid;
}

function readBootId(): string {
  return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** Until the spawned process has exec'd (its /proc entry is the program's, not our fork's). */
async function waitForProc(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`process ${pid} did not start`);
}

function startHolder(dir: string): Promise<ChildProcess> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=react-server', path.join(root, 'tests/support/hold-pglite.ts'), dir],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`holder exited early (${code}): ${out}`)));
  });
}

function entries(root: string): { path: string; dir: boolean; mode: number }[] {
  const stat = fs.lstatSync(root);
  const self = { path: root, dir: stat.isDirectory(), mode: stat.mode };
  if (!stat.isDirectory()) return [self];
  return [self, ...fs.readdirSync(root).flatMap((name) => entries(path.join(root, name)))];
}

function widerThanOwner(root: string): string[] {
  return entries(root)
    .filter((e) => (e.mode & 0o077) !== 0)
    .map((e) => `${e.path} ${(e.mode & 0o777).toString(8)}`);
}
