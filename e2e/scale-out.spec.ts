import crypto from 'node:crypto';
import { expect, test } from './support/test';
import postgres from 'postgres';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { runScaleOut, seedRotatingGrants, SURVIVOR_ANSWERS } from '../tests/support/scale-out';
import { startSharedSimulator, type SharedSimulator } from '../tests/support/shared-simulator';
import { fernetKey, startServer, waitForHealthy, type Server } from './support/server';

/**
 * Scale-out with real processes (design.md: instances are stateless, Postgres is the one
 * coordinator): three `next start` instances on one PostgreSQL, each with its in-process
 * scheduler, plus overlapping cron-route calls and token-API clients, over 200 X connections
 * (rotating refresh tokens, 20 s access tokens: each is due every ~10 s). One shared simulator
 * process counts refreshes per grant and rejects spent refresh tokens. Halfway, one instance is
 * killed with SIGKILL while it holds leases; the others pick them up. The long version, 2,000
 * connections and 50 clients, is in `npm run bench` (bench/scale.ts).
 */

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

test('three instances, one PostgreSQL: one provider refresh per due token, none lost, a kill -9 mid-sweep picked up', async () => {
  test.setTimeout(240_000);
  pg = await startPostgres();
  sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  sim = await startSharedSimulator({ SIMULATOR_LATENCY_MS: '100', SIMULATOR_ACCESS_TOKEN_TTL: '20' }, ADMIN_SECRET);
  const encryptionKey = fernetKey();
  const cronSecret = crypto.randomBytes(16).toString('hex');
  const env = {
    AUTH_MODE: 'local',
    DATABASE_URL: pg.url,
    DB_MIGRATE: 'on', // all three at once: migrate.ts serialises them with an advisory lock
    ENCRYPTION_KEYS: encryptionKey,
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

  const created = await fetch(`${servers[0]!.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: servers[0]!.url },
    body: JSON.stringify({ name: 'scale-out' }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { key: apiKey } = (await created.json()) as { key: string };

  const options = { sql, sim, encryptionKey, cronSecret, grants: 200, ttlSec: 20 };
  const ids = await seedRotatingGrants(options);
  const instances = servers.map((s) => ({
    url: s.url,
    pid: s.pid, // `next start` serves in its own process: this pid is in the lease owners
    kill: async () => {
      process.kill(-s.pid, 'SIGKILL');
      await s.exited;
    },
    stop: () => s.stop(),
  }));
  const report = await runScaleOut({ ...options, instances, tokenClients: 8, clientPauseMs: 50, beforeKillMs: 20_000, afterKillMs: 18_000 }, apiKey, ids);
  test.info().annotations.push({ type: 'scale-out', description: JSON.stringify(report) });

  // No spent (or otherwise refused) refresh token was ever presented: never two refreshes of one token.
  expect(Object.keys(report.refreshCalls)).toEqual(['ok']);
  // One provider refresh per stored version, for every grant: no rotation thrown away.
  expect(report.mismatched).toEqual([]);
  expect(report.refreshCalls.ok).toBe(report.storedRefreshes);
  // Every grant alive, and each was due several times (20 s tokens, refreshed 10 s before expiry).
  expect(report.dead).toBe(0);
  expect(report.minRefreshesPerGrant).toBeGreaterThanOrEqual(3);
  // The kill and the stop landed where no provider answer was on its way to be stored.
  expect([report.unsettledAtKill, report.unsettledAtStop]).toEqual([0, 0]);
  // The victim held leases at the kill, and every one was refreshed by the others afterwards.
  expect(report.victimLeases).toBeGreaterThan(0);
  expect(report.victimLeasesPickedUp).toBe(report.victimLeases);
  // Every token read and cron call the survivors got answered 200 (or, for a read that waited on
  // the killed instance's lease, 503 + Retry-After); no error, no other status.
  expect(Object.keys(report.statuses).filter((k) => !k.startsWith('victim ') && !SURVIVOR_ANSWERS.includes(k))).toEqual([]);
  expect(report.tokenReads).toBeGreaterThan(100);
  expect(report.ok).toBe(true);
});
