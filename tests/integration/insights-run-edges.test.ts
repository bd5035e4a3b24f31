import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { queueSyncNow } from '@/lib/insights/queue';
import { advanceInsights } from '@/lib/insights/sweep';
import { MAX_ATTEMPTS } from '@/lib/refresh/schedule';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState, type SimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertConnection, insertLiveConnection, insertUser } from '../support/fixtures';
import { isolateFromEarlierTests } from '../support/isolate-tests';

/**
 * How an insights run ends when it cannot reach its provider's figures at all: the provider is
 * not configured, the sweep has no time left, the token endpoint is down. (insights-sync.test.ts
 * covers the provider's own answers on PostgreSQL; these need no concurrency, so PGlite.)
 */
const ORIGIN = 'http://grantkeeper.test';
const KEYS = { ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS };
const env = parseEnv({ SIMULATOR: 'on', ...KEYS });

describe('insights runs that cannot reach the provider', () => {
  let t: TestDatabase;
  let sim: SimulatorState;
  let seq = 0;
  const calls: string[] = [];
  let fetchSim: typeof fetch;

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    await insertUser(t.db, 'erin');
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    sim = createSimulatorState();
    const plain = createSimulatorFetch(sim, { origin: ORIGIN });
    calls.length = 0;
    fetchSim = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return plain(input, init);
    }) as typeof fetch;
    await isolateFromEarlierTests(t.db);
  });

  const connect = async (expiresInSec = 3600) => {
    const personaId = `linkedin-edges-${++seq}`;
    const tokens = seedGrant(sim, 'linkedin', { personaId, scopes: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'] });
    return insertLiveConnection(t.db, {
      userId: 'erin',
      provider: 'linkedin',
      externalAccountId: personaId,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec,
      nextAttemptInSec: 3000,
      metadata: { adAccounts: [{ id: `88${seq}`, name: 'Edge', currency: 'EUR' }] },
    });
  };
  const runOf = async (connectionId: string) =>
    (await t.db.query<{ state: string; error_code: string | null; requests_made: number; next_run_at: Date; lease_owner: string | null }>(
      'select state, error_code, requests_made, next_run_at, lease_owner from insight_sync_runs where connection_id = $1',
      [connectionId],
    ))[0];
  const sweep = (options: { env?: typeof env; deadlineMs?: number; fetch?: typeof fetch } = {}) =>
    advanceInsights(t.db, options.env ?? env, {
      owner: 'edges',
      origin: ORIGIN,
      deadline: Date.now() + (options.deadlineMs ?? 20_000),
      fetch: options.fetch ?? fetchSim,
      pollWaitsMs: [0],
    });

  it('a provider no longer configured fails the run, saying so, without any provider call', async () => {
    const id = await connect();
    const summary = await sweep({ env: parseEnv({ SIMULATOR: 'off', ...KEYS }) });
    expect(summary.outcomes).toEqual({ failed: 1 });
    expect(await runOf(id)).toMatchObject({ state: 'failed', error_code: 'provider_not_configured' });
    expect(calls).toEqual([]);
  });

  it('a sweep without time left hands the run on untouched, lease released, before any provider call', async () => {
    const id = await connect();
    const summary = await sweep({ deadlineMs: 1_500 });
    expect(summary.outcomes).toEqual({ paused: 1 });
    expect(await runOf(id)).toMatchObject({ state: 'requesting', error_code: null, requests_made: 0, lease_owner: null });
    expect(calls.filter((p) => p.includes('adAnalytics'))).toEqual([]);
    // The next sweep with time finishes it.
    await sweep();
    expect(await runOf(id)).toMatchObject({ state: 'succeeded' });
  });

  it('a token endpoint that cannot be reached defers the run (token_unavailable) for at least a minute, not fails it', async () => {
    const id = await connect(-60);
    const down = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/oauth/v2/accessToken')) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return fetchSim(input, init);
    }) as typeof fetch;
    const summary = await sweep({ fetch: down });
    expect(summary.outcomes).toEqual({ deferred: 1 });
    const run = await runOf(id);
    expect(run).toMatchObject({ state: 'deferred', error_code: 'token_unavailable', lease_owner: null });
    expect(run!.next_run_at.getTime() - Date.now()).toBeGreaterThan(55_000);
    expect(calls.filter((p) => p.includes('adAnalytics'))).toEqual([]);
  });

  it('Sync now for a connection with nothing to sync (or none at all) answers no_targets and queues nothing', async () => {
    const oidc = await insertConnection(t.db, { userId: 'erin', provider: 'oidc' });
    expect(await queueSyncNow(t.db, env.insights, { userId: 'erin', connectionId: oidc })).toEqual({ kind: 'no_targets' });
    expect(await queueSyncNow(t.db, env.insights, { userId: 'erin', connectionId: '00000000-0000-0000-0000-000000000000' })).toEqual({ kind: 'no_targets' });
    const [runs] = await t.db.query<{ n: number }>('select count(*)::int as n from insight_sync_runs where connection_id = $1', [oidc]);
    expect(runs!.n).toBe(0);
  });

  const queueNow = async (connectionId: string) => {
    const queued = await queueSyncNow(t.db, env.insights, { userId: 'erin', connectionId });
    if (queued.kind !== 'queued') throw new Error(`not queued: ${queued.kind}`);
    return queued.runIds[0]!;
  };

  it('a run whose stored progress is unreadable fails as invalid_run instead of crashing the sweep', async () => {
    const id = await connect();
    const runId = await queueNow(id);
    await t.db.query(`update insight_sync_runs set progress = '{"chunks":"garbage"}'::jsonb where id = $1`, [runId]);
    const summary = await sweep();
    expect(summary.outcomes).toEqual({ failed: 1 });
    expect(summary.errors).toEqual([]);
    expect(await runOf(id)).toMatchObject({ state: 'failed', error_code: 'invalid_run', lease_owner: null });
    expect(calls).toEqual([]);
  });

  it('a network failure on the last allowed attempt fails the run (network) instead of retrying forever', async () => {
    const id = await connect();
    const runId = await queueNow(id);
    await t.db.query(`update insight_sync_runs set attempts = $2 where id = $1`, [runId, MAX_ATTEMPTS - 1]);
    const down = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/rest/adAnalytics')) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return fetchSim(input, init);
    }) as typeof fetch;
    expect((await sweep({ fetch: down })).outcomes).toEqual({ failed: 1 });
    const [run] = await t.db.query<{ state: string; error_code: string; attempts: number; error_message: string }>(
      'select state, error_code, attempts, error_message from insight_sync_runs where id = $1',
      [runId],
    );
    expect(run).toMatchObject({ state: 'failed', error_code: 'network', attempts: MAX_ATTEMPTS });
    expect(run!.error_message).toContain('ECONNRESET');
  });

  it('a run whose lease moved on during the provider call writes no figures and leaves the run to its new owner', async () => {
    const id = await connect();
    const runId = await queueNow(id);
    const stealing = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/rest/adAnalytics')) await t.db.query(`update insight_sync_runs set lease_owner = 'another-sweeper' where id = $1`, [runId]);
      return fetchSim(input, init);
    }) as typeof fetch;
    expect((await sweep({ fetch: stealing })).outcomes).toEqual({ lost_lease: 1 });
    expect(await runOf(id)).toMatchObject({ state: 'requesting', lease_owner: 'another-sweeper', requests_made: 0 });
    const [figures] = await t.db.query<{ n: number }>('select count(*)::int as n from insight_daily_metrics where connection_id = $1', [id]);
    expect(figures!.n).toBe(0);
  });
});
