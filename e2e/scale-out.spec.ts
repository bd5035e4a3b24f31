import crypto from 'node:crypto';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { startSharedSimulator, type SharedSimulator, type SimulatorStateView } from '../tests/support/shared-simulator';
import { fernetEncrypt } from './support/fernet';
import { fernetKey, startServer, waitForHealthy, type Server } from './support/server';

/**
 * Scale-out with real processes (design.md: instances are stateless, Postgres is the one
 * coordinator): three `next start` instances on one PostgreSQL, each with its in-process
 * scheduler, plus overlapping cron-route calls and token-API clients, over 200 X connections
 * (rotating refresh tokens, 20 s access tokens: each is due every ~10 s). One shared simulator
 * counts refreshes per grant and rejects spent refresh tokens. Then one instance is killed with
 * SIGKILL while it holds leases mid-sweep; the others pick them up. Pass: every grant alive, its
 * refresh count equal to the versions its row advanced (one provider refresh per due token, no
 * rotation thrown away), no spent token ever presented. The long version is `npm run bench`.
 */

const GRANTS = 200;
const TTL_SEC = 20;
const ADMIN_SECRET = crypto.randomBytes(16).toString('hex');

let pg: PostgresServer | undefined;
let sim: SharedSimulator | undefined;
let sql: postgres.Sql | undefined;
const servers: Server[] = [];

test.afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers.length = 0;
  await sql?.end({ timeout: 1 });
  sim?.stop();
  pg?.stop();
  sql = undefined;
  sim = undefined;
  pg = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('three instances, one PostgreSQL: one provider refresh per due token, none lost, a kill -9 mid-sweep picked up', async () => {
  test.setTimeout(240_000);
  pg = await startPostgres();
  sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  sim = await startSharedSimulator({ SIMULATOR_ACCESS_TOKEN_TTL: String(TTL_SEC), SIMULATOR_LATENCY_MS: '100' }, ADMIN_SECRET);
  const key = fernetKey();
  const cronSecret = crypto.randomBytes(16).toString('hex');
  const env = {
    AUTH_MODE: 'local',
    DATABASE_URL: pg.url,
    DB_MIGRATE: 'on', // all three at once: migrate.ts serialises them with an advisory lock
    ENCRYPTION_KEYS: key,
    CRON_SECRET: cronSecret,
    SIMULATOR: 'on',
    SIMULATOR_URL: sim.url,
    SCHEDULER: 'on',
    SCHEDULER_INTERVAL_SECONDS: '2',
    REFRESH_LEAD_SECONDS: '10',
    PROVIDER_TIMEOUT_SECONDS: '4',
    REFRESH_LEASE_SECONDS: '8',
    INSIGHTS: 'off',
    LOG_LEVEL: 'warn',
  };
  servers.push(...(await Promise.all([0, 1, 2].map(() => startServer({ env })))));
  await Promise.all(servers.map((s) => waitForHealthy(s, 120_000)));

  // 200 live X grants in the shared simulator, their rows due now, tokens encrypted with the servers' key.
  const { grants } = await sim.admin<{ grants: { personaId: string; accessToken: string; refreshToken: string }[] }>('seed', {
    provider: 'x',
    count: GRANTS,
    accessTtlSec: TTL_SEC,
  });
  await sql`insert into users (id, display_name) values ('local', 'Local operator') on conflict do nothing`;
  await sql`
    insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc, expires_at, next_attempt_at)
    select 'local', 'x', ext, ext, acc, ref, now() + make_interval(secs => ${TTL_SEC}), now()
      from unnest(${grants.map((g) => g.personaId)}::text[], ${grants.map((g) => fernetEncrypt(key, g.accessToken))}::text[],
                  ${grants.map((g) => fernetEncrypt(key, g.refreshToken))}::text[]) as t(ext, acc, ref)`;
  const ids = (await sql<{ id: string }[]>`select id from connections`).map((r) => r.id);

  const created = await fetch(`${servers[0]!.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: servers[0]!.url },
    body: JSON.stringify({ name: 'scale-out' }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { key: apiKey } = (await created.json()) as { key: string };

  // Load on every live instance until told to stop: 8 token-API clients and a cron caller. Answers
  // from the instance about to be killed are counted apart (a call it held may die with it).
  const live = [...servers];
  const victim = servers[2]!;
  let running = true;
  const statuses: Record<string, number> = {};
  const count = (target: Server, what: string) => {
    const label = target === victim ? `victim ${what}` : what;
    statuses[label] = (statuses[label] ?? 0) + 1;
  };
  const call = (target: Server, path: string, headers: Record<string, string>) =>
    fetch(`${target.url}${path}`, { headers }).then(
      async (res) => (await res.text(), String(res.status)),
      (err: Error) => `error ${err.message}`,
    );
  const tokenClient = async (n: number) => {
    for (let i = n; running; i += 8) {
      const target = live[i % live.length]!;
      count(target, await call(target, `/api/v1/connections/${ids[(i * 7) % ids.length]}/access-token`, { authorization: `Bearer ${apiKey}` }));
      await sleep(50);
    }
  };
  const cronCaller = async () => {
    while (running) {
      // The same route on every instance at once, overlapping each other and the schedulers.
      await Promise.all(
        live.map(async (s) => count(s, `cron ${await call(s, '/api/cron/refresh-tokens', { authorization: `Bearer ${cronSecret}` })}`)),
      );
      await sleep(1_500);
    }
  };
  const load = Promise.all([...Array.from({ length: 8 }, (_, n) => tokenClient(n)), cronCaller()]);

  await sleep(25_000);

  // Kill -9 mid-sweep: hold provider calls at the simulator, let every answer already given be
  // stored, wait until the victim holds leases (its calls wait at the gate), then kill it.
  live.splice(live.indexOf(victim), 1);
  await sim.gate('close');
  await sleep(1_500);
  let leased: { id: string; token_version: number }[] = [];
  for (let i = 0; i < 40 && leased.length === 0; i++) {
    leased = await sql<{ id: string; token_version: number }[]>`
      select id, token_version from connections where lease_owner like ${`%:${victim.pid}:%`}`;
    if (leased.length === 0) await sleep(250);
  }
  expect(leased.length, 'the victim held no lease while its provider calls were held').toBeGreaterThan(0);
  process.kill(-victim.pid, 'SIGKILL');
  await victim.exited;
  await sleep(500);
  await sim.gate('open');

  // Its leases lapse (8 s) and the survivors take them over; everything keeps refreshing.
  await sleep(22_000);
  running = false;
  await load;
  await Promise.all(live.map((s) => s.stop())); // graceful: in-flight refreshes finish and are stored

  const rows = await sql<{ external_account_id: string; id: string; token_version: number; status: string; consecutive_failures: number }[]>`
    select external_account_id, id, token_version, status, consecutive_failures from connections`;
  const state = await sim.admin<SimulatorStateView>('state');
  const refreshCalls = state.stats.x!.tokenCalls.refresh_token ?? {};
  const byPersona = new Map(state.grants.map((g) => [g.personaId, g]));

  // No spent (or otherwise refused) refresh token was ever presented: no double refresh.
  expect(refreshCalls).toEqual({ ok: expect.any(Number) });
  // Every grant alive, its row active, and one provider refresh per stored version: no rotation discarded.
  const mismatched = rows.filter((r) => byPersona.get(r.external_account_id)?.refreshCount !== r.token_version - 1);
  expect(mismatched.map((r) => ({ row: r.token_version - 1, simulator: byPersona.get(r.external_account_id)?.refreshCount }))).toEqual([]);
  expect(rows.filter((r) => r.status !== 'active' || byPersona.get(r.external_account_id)?.revoked)).toEqual([]);
  expect(refreshCalls.ok).toBe(rows.reduce((sum, r) => sum + r.token_version - 1, 0));
  // Each grant was due several times over the run (20 s tokens, refreshed 10 s before expiry).
  expect(Math.min(...rows.map((r) => r.token_version - 1))).toBeGreaterThanOrEqual(3);
  // The victim's leased rows were refreshed by the others after the kill.
  const after = new Map(rows.map((r) => [r.id, r.token_version]));
  expect(leased.filter((l) => after.get(l.id)! <= l.token_version)).toEqual([]);
  // Every token read and every cron call the survivors got answered 200.
  expect(Object.keys(statuses).filter((k) => !k.startsWith('victim ')).sort()).toEqual(['200', 'cron 200']);
  expect(statuses['200']).toBeGreaterThan(100);
});
