import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Starts tests/support/simulator-server.ts as its own process (one simulator that several app
 * instances share through SIMULATOR_URL) and talks to its admin API and gate. Plain Node: usable
 * from Playwright specs and the bench alike.
 */

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export interface SharedSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** GET/POST /api/simulator/_admin/<action> with the admin secret. */
  admin<T>(action: string, body?: unknown): Promise<T>;
  /** Holds (close) or releases (open) provider calls before the simulator sees them. */
  gate(action: 'open' | 'close' | 'status'): Promise<GateStatus>;
  /** Refreshes the simulator answered, per grant (persona id → count). */
  refreshCounts(): Promise<Record<string, number>>;
  stop(): void;
}

export interface GateStatus {
  open: boolean;
  /** Requests waiting at the gate. */
  held: number;
  /** Requests dropped at the gate because their client went away. */
  dropped: number;
  /** Requests past the gate whose answer is not yet written. */
  inflight: number;
}

export interface SimulatorGrant {
  id: string;
  provider: string;
  personaId: string;
  revoked: { at: string; reason: string } | null;
  refreshCount: number;
}

export interface SimulatorStateView {
  stats: Record<string, { tokenCalls: Record<string, Record<string, number>> }>;
  grants: SimulatorGrant[];
}

export async function startSharedSimulator(env: Record<string, string>, adminSecret: string): Promise<SharedSimulator> {
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  const childEnv: Record<string, string> = { ...base, ...env, SIMULATOR_ADMIN_SECRET: adminSecret };
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'tests', 'support', 'simulator-server.ts')], {
    cwd: ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-20_000)));
  const stop = () => void child.kill('SIGKILL');
  process.on('exit', stop);
  const port = await new Promise<number>((resolve, reject) => {
    let line = '';
    const timer = setTimeout(() => reject(new Error(`the shared simulator did not start within 60 s: ${out}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      line += d;
      const match = /\{"port":(\d+)\}/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`the shared simulator exited (${code}): ${out}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${adminSecret}` };
  return {
    url,
    async admin<T>(action: string, body?: unknown) {
      const res = await fetch(`${url}/api/simulator/_admin/${action}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
      if (res.status !== 200) throw new Error(`simulator admin ${action} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return (await res.json()) as T;
    },
    async gate(action) {
      const res = await fetch(`${url}/_gate/${action}`, { method: 'POST', headers: auth, signal: AbortSignal.timeout(60_000) });
      return (await res.json()) as GateStatus;
    },
    async refreshCounts() {
      const res = await fetch(`${url}/_gate/counts`, { method: 'POST', headers: auth, signal: AbortSignal.timeout(60_000) });
      return (await res.json()) as Record<string, number>;
    },
    stop() {
      stop();
      process.off('exit', stop);
    },
  };
}
