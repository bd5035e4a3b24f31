import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../tests/support/postgres-server';
import { readStartScript } from '../tests/support/start-script';
import { onCleanup } from './cleanup';
import { listeningPid } from './proc';

/**
 * `next start` from the benchmark build, as e2e/support/server.ts does it: its own process group
 * (so everything it forks is killed with it), its own data dir, a minimal environment (nothing of
 * the caller's DATABASE_URL or CLERK_* leaks in), bound to 127.0.0.1 only.
 */

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/**
 * The checkout whose build is served: this one, or BENCH_APP_ROOT (another checkout, e.g. an
 * export of an older commit for a before/after comparison, with its own .next-bench build).
 */
export const APP_ROOT = process.env.BENCH_APP_ROOT ? path.resolve(process.env.BENCH_APP_ROOT) : ROOT;
/**
 * The build served; BENCH_DIST_DIR picks another of the same checkout (built with the same
 * NEXT_DIST_DIR), e.g. `.next-bench-base` of the commit before a change, for interleaved A/B runs.
 */
export const BENCH_DIST_DIR = process.env.BENCH_DIST_DIR || '.next-bench';
const NEXT_BIN = path.join(APP_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

/**
 * package.json's "start" script's environment assignments and node flags, so the bench measures
 * the server a user runs (V8 heap and malloc settings included). The bench runs Next's CLI itself
 * (NEXT_BIN), so a script that starts anything else is refused rather than measured as if it did.
 */
export function startScript(appRoot = APP_ROOT): { env: Record<string, string>; nodeArgs: string[] } {
  const start = readStartScript(appRoot);
  if (!/(^|\/)next(\.js)?$/.test(start.script) || start.args[0] !== 'start') {
    throw new Error(`package.json "start" must run \`next start\` for the bench to measure it: ${start.script} ${start.args.join(' ')}`);
  }
  return { env: start.env, nodeArgs: start.nodeFlags };
}

export interface BenchServer {
  /** The process group leader (the `next start` CLI). */
  pgid: number;
  /** The process holding the listening socket: the one whose memory is reported. */
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  output(): string;
  stop(): Promise<void>;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export async function startBenchServer(
  env: Record<string, string>,
  /** `port`: when something must know the app's origin before it starts (a separate simulator). */
  options: { cpuProfDir?: string; nodeArgs?: string[]; port?: number } = {},
): Promise<BenchServer> {
  const port = options.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-bench-'));
  onCleanup('remove the server data dir', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const start = startScript();
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  const childEnv: Record<string, string> = {
    ...base,
    NODE_ENV: 'production',
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: '1',
    GRANTKEEPER_DATA_DIR: dataDir,
    // Limits stay on, so their cost is measured, but far above what a benchmark sends (at most 9 digits: lib/rate-limit/policies.ts).
    RATE_LIMIT_TOKEN_API: '999999999/60s',
    RATE_LIMIT_AUTH_FAILURES: '999999999/60s',
    APP_URL: `http://127.0.0.1:${port}`,
    ...start.env,
    ...env,
  };
  const nodeArgs = [...start.nodeArgs, ...(options.nodeArgs ?? []), ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [])];
  const child = spawn(process.execPath, [...nodeArgs, NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: APP_ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('next start did not spawn');
  const pgid = child.pid;
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-200_000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-200_000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('close', () => ((exited = true), resolve())));
  // Also on a plain process.exit (e.g. a second Ctrl-C), never leave the group running.
  const onExit = () => killGroup(pgid, 'SIGKILL');
  process.on('exit', onExit);

  const stop = async () => {
    if (!exited) {
      // SIGINT lets node write a --cpu-prof profile; SIGKILL after 10 s regardless.
      killGroup(pgid, options.cpuProfDir ? 'SIGINT' : 'SIGTERM');
      const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    killGroup(pgid, 'SIGKILL');
    process.off('exit', onExit);
  };
  onCleanup('stop next start (process group)', stop);

  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(url, () => (exited ? out : undefined));
  const pid = listeningPid(pgid, port);
  if (pid === undefined) throw new Error(`no process of group ${pgid} listens on port ${port}`);
  return { pgid, pid, port, url, output: () => out, stop };
}

async function waitForHealthy(url: string, exitedOutput: () => string | undefined, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const output = exitedOutput();
    if (output !== undefined) throw new Error(`next start exited before it was healthy:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server on ${url} was not healthy within ${timeoutMs} ms (${last})`);
}
