import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPGlite } from '@/lib/db/pglite-driver';
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
    expect(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
    expect(await db.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
    await db.close();
    expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(false);
  });
});
