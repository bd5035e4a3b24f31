import 'server-only';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * pg_dump and pg_restore for a self-hosted PostgreSQL. The password travels in PGPASSWORD, never
 * in argv (other users can read a process's arguments) nor in an error message.
 */

const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/** PG_BIN when set, else the newest Debian install (pg_dump refuses servers newer than itself), else PATH. */
export function findPgTool(tool: 'pg_dump' | 'pg_restore', pgBin = process.env.PG_BIN): string {
  if (pgBin) return path.join(pgBin, tool);
  const versions = fs.existsSync(DEBIAN_PG_ROOT)
    ? fs.readdirSync(DEBIAN_PG_ROOT).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  const found = versions.map((v) => path.join(DEBIAN_PG_ROOT, v, 'bin', tool)).find((p) => fs.existsSync(p));
  return found ?? tool;
}

/** The URL without its password, and the password on its own. */
export function splitPassword(url: string): { url: string; password: string | undefined } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  return { url: u.toString(), password };
}

/** Runs the tool against the database (or, with null, on the archive alone) and returns its output. */
export function runPgTool(tool: 'pg_dump' | 'pg_restore', databaseUrl: string | null, args: string[]): Promise<string> {
  const { url, password } = databaseUrl ? splitPassword(databaseUrl) : { url: null, password: undefined };
  const bin = findPgTool(tool);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, url ? [...args, `--dbname=${url}`] : args, {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}), PGCONNECT_TIMEOUT: '10' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) =>
      reject(new Error(`cannot run ${bin} (${(err as NodeJS.ErrnoException).code ?? err.message}): install PostgreSQL's client tools or set PG_BIN`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${tool} failed (exit ${code}): ${password ? stderr.replaceAll(password, '***') : stderr}`.trim()));
    });
  });
}
