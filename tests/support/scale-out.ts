import type postgres from 'postgres';
import { fernetEncrypt } from './fernet-encrypt';
import type { SharedSimulator, SimulatorStateView } from './shared-simulator';

/**
 * The scale-out scenario shared by e2e/scale-out.spec.ts (200 grants, ~1 min) and the bench
 * (bench/scale.ts, 2,000 grants): app instances that share one PostgreSQL and one simulator,
 * each with its scheduler on, plus overlapping cron calls and token-API clients; halfway, one
 * instance is killed with SIGKILL while it holds leases and its provider calls wait at the
 * simulator's gate. Returns what happened; the caller judges it.
 */

export interface Instance {
  url: string;
  /** The process that serves (its pid is in the lease owners it writes). */
  pid: number;
  /** SIGKILL to the whole process group; resolves when it is gone. */
  kill(): Promise<void>;
  /** Graceful stop (SIGTERM): in-flight refreshes finish and are stored. */
  stop(): Promise<void>;
}

export interface ScaleOutOptions {
  sql: postgres.Sql;
  sim: SharedSimulator;
  instances: Instance[];
  encryptionKey: string;
  cronSecret: string;
  grants: number;
  ttlSec: number;
  tokenClients: number;
  /** Pause between one client's token reads (0: closed loop). */
  clientPauseMs: number;
  beforeKillMs: number;
  afterKillMs: number;
  log?: (line: string) => void;
}

export interface ScaleOutReport {
  grants: number;
  instances: number;
  wallSeconds: number;
  /** Refresh-token calls the simulator answered, by outcome (only `ok` when nothing was spent twice). */
  refreshCalls: Record<string, number>;
  /** Sum over rows of token_version - 1: refreshes that reached the database. */
  storedRefreshes: number;
  /** Rows whose simulator refresh count differs from the versions their row advanced. */
  mismatched: { id: string; stored: number; simulator: number | undefined }[];
  /** Rows not active, or whose grant the simulator revoked. */
  dead: number;
  minRefreshesPerGrant: number;
  maxRefreshesPerGrant: number;
  /** Rows the killed instance held leases on at the kill, and how many of them advanced afterwards. */
  victimLeases: number;
  victimLeasesPickedUp: number;
  /** Provider calls of the killed instance dropped at the gate (never seen by the simulator). */
  droppedAtGate: number;
  /** Answers given but not yet stored when the kill (or the final stop) had to go ahead (0: a clean moment). */
  unsettledAtKill: number;
  unsettledAtStop: number;
  /** Results kept in refresh_pending_results at the end (stored for the next refresher, not lost). */
  keptResults: number;
  /** Answers from survivors (`200`, `cron 200`, …) and, apart, from the killed instance. */
  statuses: Record<string, number>;
  tokenReads: number;
  cronCalls: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What the survivors may answer: 200, or the token API's 503 + Retry-After for a token that is
 * not valid long enough while a refresh holds its lease past the read's 10 s wait (a killed
 * holder's lease lapses only after REFRESH_LEASE_SECONDS).
 */
export const SURVIVOR_ANSWERS = ['200', '503', 'cron 200'];

/**
 * With the gate closed: waits until no provider call is inside the simulator and every row leased
 * by `owner` (a LIKE pattern) has stored each refresh the simulator answered for it, i.e. no
 * answer is on its way to be stored. Returns those rows (leased, calls held at the gate).
 */
async function settle(sql: postgres.Sql, sim: SharedSimulator, owner: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gate = await sim.gate('status');
    // A result kept in refresh_pending_results (its write failed) is not in flight: the next refresher applies it.
    const leased = await sql<{ id: string; external_account_id: string; token_version: number; kept: boolean }[]>`
      select c.id, c.external_account_id, c.token_version, p.connection_id is not null as kept
        from connections c left join refresh_pending_results p on p.connection_id = c.id
       where c.lease_owner like ${owner}`;
    const counts = await sim.refreshCounts();
    const pending = leased.filter((r) => !r.kept && counts[r.external_account_id] !== r.token_version - 1);
    if (gate.inflight === 0 && pending.length === 0) return { leased, unsettled: 0 };
    // Not settled in time (a store stuck on a starved machine): go on, and say so; the final check
    // counts what became of those rows.
    if (Date.now() > deadline) return { leased, unsettled: pending.length + gate.inflight };
    await sleep(250);
  }
}

export async function seedRotatingGrants(opts: Pick<ScaleOutOptions, 'sql' | 'sim' | 'encryptionKey' | 'grants' | 'ttlSec'>): Promise<string[]> {
  const { sql, sim, encryptionKey, ttlSec } = opts;
  await sql`insert into users (id, display_name) values ('local', 'Local operator') on conflict do nothing`;
  for (let done = 0; done < opts.grants; done += 1000) {
    const count = Math.min(1000, opts.grants - done);
    const { grants } = await sim.admin<{ grants: { personaId: string; accessToken: string; refreshToken: string }[] }>('seed', {
      provider: 'x',
      count,
      accessTtlSec: ttlSec,
    });
    await sql`
      insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc, expires_at, next_attempt_at)
      select 'local', 'x', ext, ext, acc, ref, now() + make_interval(secs => ${ttlSec}), now()
        from unnest(${grants.map((g) => g.personaId)}::text[], ${grants.map((g) => fernetEncrypt(encryptionKey, g.accessToken))}::text[],
                    ${grants.map((g) => fernetEncrypt(encryptionKey, g.refreshToken))}::text[]) as t(ext, acc, ref)`;
  }
  return (await sql<{ id: string }[]>`select id from connections where provider = 'x' order by id`).map((r) => r.id);
}

export async function runScaleOut(opts: ScaleOutOptions, apiKey: string, ids: string[]): Promise<ScaleOutReport> {
  const { sql, sim, instances, cronSecret } = opts;
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const live = [...instances];
  const victim = instances[instances.length - 1]!;
  let running = true;
  const statuses: Record<string, number> = {};
  const count = (target: Instance, what: string) => {
    const label = target === victim ? `victim ${what}` : what;
    statuses[label] = (statuses[label] ?? 0) + 1;
  };
  const call = (target: Instance, path: string, headers: Record<string, string>) =>
    fetch(`${target.url}${path}`, { headers, signal: AbortSignal.timeout(120_000) }).then(
      async (res) => (await res.text(), String(res.status)),
      (err: Error) => `error ${err.message}`,
    );
  const tokenClient = async (n: number) => {
    for (let i = n; running; i += opts.tokenClients) {
      const target = live[i % live.length]!;
      const id = ids[(i * 7919) % ids.length]!;
      count(target, await call(target, `/api/v1/connections/${id}/access-token`, { authorization: `Bearer ${apiKey}` }));
      if (opts.clientPauseMs) await sleep(opts.clientPauseMs);
    }
  };
  const cronCaller = async () => {
    while (running) {
      // The same route on every instance at once, overlapping each other and the schedulers.
      await Promise.all(live.map(async (s) => count(s, `cron ${await call(s, '/api/cron/refresh-tokens', { authorization: `Bearer ${cronSecret}` })}`)));
      await sleep(1_500);
    }
  };
  const load = Promise.all([...Array.from({ length: opts.tokenClients }, (_, n) => tokenClient(n)), cronCaller()]);

  await sleep(opts.beforeKillMs);

  // Kill -9 mid-sweep: hold provider calls at the simulator, wait until every answer already
  // given to the victim is stored and it holds leases (its calls wait at the gate), then kill it.
  live.splice(live.indexOf(victim), 1);
  await sim.gate('close');
  let leased: { id: string; token_version: number }[] = [];
  let unsettledAtKill = 0;
  // Refreshes come in waves (every grant was due at the start, and its token lives ttlSec): between
  // two waves nothing is due, and the victim's scheduler has nothing to claim. Wait for the next
  // wave (at most a token's life), not a fixed number of rounds: with faster sweeps a bench run
  // once waited its 40 rounds out between waves and killed a victim holding nothing.
  const waitUntil = Date.now() + Math.max(15_000, opts.ttlSec * 1000);
  while (leased.length === 0 && Date.now() < waitUntil) {
    ({ leased, unsettled: unsettledAtKill } = await settle(sql, sim, `%:${victim.pid}:%`, 30_000));
    if (leased.length === 0) await sleep(250);
  }
  log(`    killing pid ${victim.pid} (SIGKILL) while it holds ${leased.length} leases`);
  await victim.kill();
  await sleep(500);
  const gate = await sim.gate('open');

  // Its leases lapse and the survivors take them over; everything keeps refreshing.
  await sleep(opts.afterKillMs);
  running = false;
  await load;
  // Stop at a quiet moment: provider calls held, every answer given stored. (A graceful stop now
  // waits for answers in flight, lib/shutdown.ts; settling first keeps the counts exact.)
  await sim.gate('close');
  const { unsettled: unsettledAtStop } = await settle(sql, sim, '%', 30_000);
  await Promise.all(live.map((s) => s.stop()));
  await sim.gate('open');
  const wallSeconds = (performance.now() - started) / 1000;

  const rows = await sql<{ external_account_id: string; id: string; token_version: number; status: string }[]>`
    select external_account_id, id, token_version, status from connections where provider = 'x'`;
  const state = await sim.admin<SimulatorStateView>('state');
  const refreshCalls = state.stats.x?.tokenCalls.refresh_token ?? {};
  const byPersona = new Map(state.grants.map((g) => [g.personaId, g]));
  const mismatched = rows
    .filter((r) => byPersona.get(r.external_account_id)?.refreshCount !== r.token_version - 1)
    .map((r) => ({ id: r.id, stored: r.token_version - 1, simulator: byPersona.get(r.external_account_id)?.refreshCount }));
  const dead = rows.filter((r) => r.status !== 'active' || byPersona.get(r.external_account_id)?.revoked).length;
  const refreshes = rows.map((r) => r.token_version - 1);
  const after = new Map(rows.map((r) => [r.id, r.token_version]));
  const storedRefreshes = refreshes.reduce((a, b) => a + b, 0);
  const survivorKinds = Object.keys(statuses).filter((k) => !k.startsWith('victim '));
  const report: ScaleOutReport = {
    grants: rows.length,
    instances: instances.length,
    wallSeconds,
    refreshCalls,
    storedRefreshes,
    mismatched: mismatched.slice(0, 20),
    dead,
    minRefreshesPerGrant: Math.min(...refreshes),
    maxRefreshesPerGrant: Math.max(...refreshes),
    victimLeases: leased.length,
    victimLeasesPickedUp: leased.filter((l) => after.get(l.id)! > l.token_version).length,
    droppedAtGate: gate.dropped,
    unsettledAtKill,
    unsettledAtStop,
    keptResults: (await sql<{ n: number }[]>`select count(*)::int as n from refresh_pending_results`)[0]!.n,
    statuses,
    tokenReads: statuses['200'] ?? 0,
    cronCalls: statuses['cron 200'] ?? 0,
    ok: false,
  };
  report.ok =
    mismatched.length === 0 &&
    dead === 0 &&
    Object.keys(refreshCalls).every((k) => k === 'ok') &&
    refreshCalls.ok === storedRefreshes &&
    report.victimLeases > 0 &&
    report.victimLeasesPickedUp === report.victimLeases &&
    survivorKinds.every((k) => SURVIVOR_ANSWERS.includes(k));
  return report;
}
