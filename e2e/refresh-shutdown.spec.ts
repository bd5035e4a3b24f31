import crypto from 'node:crypto';
import { expect, test } from './support/test';
import postgres from 'postgres';
import { fernetDecrypt, fernetEncrypt } from '../tests/support/fernet-encrypt';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { startSharedSimulator, type SharedSimulator } from '../tests/support/shared-simulator';
import { fernetKey, startServer, waitForExit, waitForHealthy, type Server } from './support/server';

/**
 * A graceful stop never loses a rotated refresh token (lib/shutdown.ts). X spends the stored
 * refresh token the moment it answers a refresh, so a process that exits between the answer and
 * the write kills the grant. `next start` with its in-process scheduler, one X connection due, a
 * provider that takes 2.5 s to answer, and SIGTERM while the refresh is at the provider:
 *  - within the grace, the process waits, stores the refresh token the simulator issued last
 *    (the one it will accept next), audits the refresh, and exits 143;
 *  - with a grace shorter than the provider, it exits when the grace ends and logs the
 *    abandoned connection id;
 *  - a cron-route sweep in flight is an open request, which `next start` drains itself.
 * One shared simulator process (SIMULATOR_URL) and one PostgreSQL outlive both servers.
 */

const ADMIN_SECRET = crypto.randomBytes(16).toString('hex');
const LATENCY_MS = 2_500;

let pg: PostgresServer | undefined;
let sim: SharedSimulator | undefined;
let sql: postgres.Sql | undefined;
let server: Server | undefined;
const encryptionKey = fernetKey();

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  [pg, sim] = await Promise.all([
    startPostgres(),
    startSharedSimulator({ SIMULATOR_LATENCY_MS: String(LATENCY_MS) }, ADMIN_SECRET),
  ]);
  sql = postgres(pg.url, { max: 2, onnotice: () => {} });
});

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test.afterAll(async () => {
  await sql?.end({ timeout: 1 });
  sim?.stop();
  pg?.stop();
});

async function startWithScheduler(extra: Record<string, string>): Promise<Server> {
  const started = await startServer({
    env: {
      AUTH_MODE: 'local',
      DATABASE_URL: pg!.url,
      DB_MIGRATE: 'on',
      ENCRYPTION_KEYS: encryptionKey,
      SIMULATOR: 'on',
      SIMULATOR_URL: sim!.url,
      SCHEDULER: 'on',
      SCHEDULER_INTERVAL_SECONDS: '1',
      INSIGHTS: 'off',
      ...extra,
    },
  });
  await waitForHealthy(started, 60_000);
  return started;
}

/** One X grant at the simulator and its connection, due now. */
async function seedDueXConnection(): Promise<{ id: string; personaId: string; refreshToken: string }> {
  const { grants } = await sim!.admin<{ grants: { personaId: string; accessToken: string; refreshToken: string }[] }>('seed', {
    provider: 'x',
    count: 1,
    accessTtlSec: 3600,
  });
  const grant = grants[0]!;
  // Earlier cases' connections (one abandoned with a spent token) must not be due alongside.
  await sql!`update connections set status = 'revoked', next_attempt_at = null, lease_owner = null, lease_until = null`;
  await sql!`insert into users (id, display_name) values ('local', 'Local operator') on conflict do nothing`;
  const [row] = await sql!<{ id: string }[]>`
    insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc, expires_at, next_attempt_at)
    values ('local', 'x', ${grant.personaId}, ${grant.personaId}, ${fernetEncrypt(encryptionKey, grant.accessToken)},
            ${fernetEncrypt(encryptionKey, grant.refreshToken)}, now() + interval '1 hour', now())
    returning id`;
  return { id: row!.id, personaId: grant.personaId, refreshToken: grant.refreshToken };
}

/** SIGTERM once the scheduler's refresh is at the provider (past the simulator's gate, unanswered). */
async function sigtermDuringRefresh(target: Server): Promise<number> {
  await expect.poll(async () => (await sim!.gate('status')).inflight, { timeout: 20_000, intervals: [50] }).toBeGreaterThanOrEqual(1);
  process.kill(target.pid, 'SIGTERM');
  return Date.now();
}

test('SIGTERM while X answers a refresh: the process waits, stores the rotated refresh token, audits it, exits 143', async () => {
  test.setTimeout(60_000);
  server = await startWithScheduler({}); // the default grace, 25 s
  const conn = await seedDueXConnection();
  const signalledAt = await sigtermDuringRefresh(server);
  const status = await waitForExit(server, 30_000);
  const tookMs = Date.now() - signalledAt;

  expect(status.code, server.output()).toBe(143);
  expect(tookMs).toBeLessThan(25_000);
  // The simulator answered exactly one refresh (by now, whether or not anyone was left to hear it),
  // and what is stored is what it issued last: the one refresh token it will still accept.
  await expect.poll(async () => (await sim!.refreshCounts())[conn.personaId], { timeout: 10_000 }).toBe(1);
  const issued = await sim!.admin<{ refreshTokens: { provider: string; value: string }[] }>('issued');
  const lastIssued = issued.refreshTokens.filter((t) => t.provider === 'x').at(-1)!.value;
  const [row] = await sql!<{ refresh_token_enc: string; lease_owner: string | null }[]>`
    select refresh_token_enc, lease_owner from connections where id = ${conn.id}`;
  const stored = fernetDecrypt(encryptionKey, row!.refresh_token_enc);
  expect(stored === conn.refreshToken, 'the stored refresh token is the spent one').toBe(false);
  expect(stored === lastIssued, 'the stored refresh token is the one the simulator issued last').toBe(true);
  expect(row!.lease_owner).toBeNull();
  const audits = await sql!<{ outcome: string }[]>`
    select outcome from audit_events where connection_id = ${conn.id} and action = 'token.refreshed'`;
  expect(audits.map((a) => a.outcome)).toEqual(['success']);
  expect(server.output()).not.toContain('abandoned');
});

test('a grace shorter than the provider: exits when the grace ends, with the abandoned connection id logged', async () => {
  test.setTimeout(60_000);
  server = await startWithScheduler({ SHUTDOWN_GRACE_MS: '1000' });
  const conn = await seedDueXConnection();
  const signalledAt = await sigtermDuringRefresh(server);
  const status = await waitForExit(server, 30_000);
  const tookMs = Date.now() - signalledAt;

  expect(status.code, server.output()).toBe(143);
  // Not before most of the grace (it waited), and before the provider's answer (it did not wait longer).
  expect(tookMs).toBeGreaterThanOrEqual(700);
  expect(tookMs).toBeLessThan(LATENCY_MS);
  const abandoned = server
    .output()
    .split('\n')
    .find((line) => line.includes('refreshes abandoned'));
  expect(abandoned, server.output()).toBeDefined();
  expect(JSON.parse(abandoned!)).toMatchObject({ abandoned: [conn.id], graceMs: 1000 });
});

test('a cron-route sweep in flight at SIGTERM: next start drains the request, so its refresh is stored and answered', async () => {
  test.setTimeout(60_000);
  const cronSecret = crypto.randomBytes(16).toString('hex');
  server = await startWithScheduler({ SCHEDULER: 'off', CRON_SECRET: cronSecret });
  const conn = await seedDueXConnection();
  const answer = fetch(`${server.url}/api/cron/refresh-tokens`, { headers: { authorization: `Bearer ${cronSecret}` } }).then(
    async (res) => ({ status: res.status, body: (await res.json()) as { claimed: number; refreshed: number } }),
  );
  await sigtermDuringRefresh(server);
  const status = await waitForExit(server, 30_000);

  expect(status.code, server.output()).toBe(143);
  expect(await answer).toMatchObject({ status: 200, body: { claimed: 1, refreshed: 1 } });
  const issued = await sim!.admin<{ refreshTokens: { provider: string; value: string }[] }>('issued');
  const [row] = await sql!<{ refresh_token_enc: string }[]>`select refresh_token_enc from connections where id = ${conn.id}`;
  expect(fernetDecrypt(encryptionKey, row!.refresh_token_enc) === issued.refreshTokens.filter((t) => t.provider === 'x').at(-1)!.value).toBe(true);
});
