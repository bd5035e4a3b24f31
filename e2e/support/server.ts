import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SIMULATOR_ADMIN_SECRET } from './simulator-admin';

/**
 * Starts `next start` from the `.next-test` build (or `next dev`, compiling into `.next-test/dev`)
 * in its own process group, with its own data directory and port, and never leaves one running:
 * stop() kills the whole group, and anything still alive when the worker exits is killed then.
 */

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
/** The build under test; E2E_DIST_DIR picks another (it must be built with the same NEXT_DIST_DIR). */
export const DIST_DIR = process.env.E2E_DIST_DIR || '.next-test';
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Server {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  /** stdout and stderr so far, interleaved in arrival order. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits, by itself or by stop(). */
  readonly exited: Promise<ExitStatus>;
  /** Kills the process group (SIGTERM, then SIGKILL) and removes a data directory it created. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Added to a minimal base environment; the runner's own environment is NOT inherited. */
  env?: Record<string, string | undefined>;
  /** Share a data directory with another server; by default each server gets a fresh one. */
  dataDir?: string;
  port?: number;
  /**
   * `dev` runs `next dev` (NODE_ENV left to next: development); `npm-run-dev` runs `scripts/dev.sh`
   * exactly as `npm run dev` does, with its own host and output filtering; `{ argv, cwd }` runs
   * that command as it is (e2e/standalone.spec.ts: the container's `node server.js`). Default `start`.
   */
  command?: 'start' | 'dev' | 'npm-run-dev' | { argv: [string, ...string[]]; cwd: string };
  /** `next start -H <host>`; the server's url uses it too. Default: every interface, url on localhost. */
  host?: string;
}

const running = new Set<Server>();

process.on('exit', () => {
  for (const server of running) killGroup(server.pid, 'SIGKILL');
});

/** A port that is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-e2e-'));
}

/** A Fernet key: 32 random bytes, url-safe base64 with padding (what `npm run keys:generate` makes). */
export function fernetKey(): string {
  return crypto.randomBytes(32).toString('base64url') + '=';
}

/** Only what node and next need, so a developer's CLERK_* or DATABASE_URL cannot leak into a test. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return {
    ...env,
    NODE_ENV: 'production',
    NEXT_DIST_DIR: DIST_DIR,
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: 'info',
    SIMULATOR_ADMIN_SECRET,
    // Specs drive endpoints faster than a person; tests/integration/rate-limits.test.ts covers the limits.
    RATE_LIMITS: 'off',
  };
}

export async function startServer(options: StartOptions = {}): Promise<Server> {
  const port = options.port ?? (await freePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeDataDir();
  const command = options.command ?? 'start';
  const url = `http://${options.host ?? 'localhost'}:${port}`;
  // Production requires APP_URL (lib/env.ts); a spec that tests its absence passes APP_URL: undefined.
  const env: Record<string, string> = { ...baseEnv(), GRANTKEEPER_DATA_DIR: dataDir, APP_URL: url };
  if (command !== 'start') delete env.NODE_ENV;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  const [bin, args, cwd] =
    typeof command === 'object'
      ? [command.argv[0], command.argv.slice(1), command.cwd]
      : command === 'npm-run-dev'
        ? ['bash', [path.join(ROOT, 'scripts', 'dev.sh'), '-p', String(port)], ROOT]
        : [process.execPath, [NEXT_BIN, command, '-p', String(port), ...(options.host ? ['-H', options.host] : [])], ROOT];
  const child: ChildProcess = spawn(bin, args, {
    cwd,
    env: env as NodeJS.ProcessEnv,
    detached: true, // its own process group, so stop() can kill next and anything it forks
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${bin} ${args.join(' ')} did not spawn`);
  const pid = child.pid;

  let all = '';
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    all += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    all += d;
  });

  let hasExited = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    // 'close' waits for stdio to drain, so output() is complete once this resolves.
    child.on('close', (code, signal) => {
      hasExited = true;
      running.delete(server);
      resolve({ code, signal });
    });
  });

  const server: Server = {
    pid,
    port,
    url,
    dataDir,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (!hasExited) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // The group may still hold children after the leader exits.
      killGroup(pid, 'SIGKILL');
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  running.add(server);
  return server;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Waits until /api/health answers 200; fails early, with the server's output, if it exits. */
export async function waitForHealthy(server: Server, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: ExitStatus | undefined;
  void server.exited.then((s) => (exited = s));
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `next start exited (code ${exited.code}, signal ${exited.signal}) before it was healthy:\n${server.output()}`,
      );
    }
    try {
      const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Server on ${server.url} not healthy within ${timeoutMs} ms (${last}):\n${server.output()}`);
}

/** Waits for the process to exit by itself; on timeout it is killed and this throws. */
export async function waitForExit(server: Server, timeoutMs = 30_000): Promise<ExitStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await server.stop();
    throw new Error(`next start was still running after ${timeoutMs} ms; expected it to exit. Output:\n${server.output()}`);
  }
  return result;
}
