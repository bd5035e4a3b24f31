import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asUser } from '@/lib/db';
import { listDailyMetrics, totalsByCurrency } from '@/lib/db/insights-metrics';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { parseEnv } from '@/lib/env';
import { queueDueRuns, queueSyncNow } from '@/lib/insights/queue';
import { describeSyncStatus } from '@/lib/insights/status';
import { advanceInsights } from '@/lib/insights/sweep';
import { refreshSyncTargets } from '@/lib/insights/targets';
import { simulateConsent } from '@/lib/simulator/consent-driver';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { revokeGrant } from '@/lib/simulator/grants';
import { expectedRows, expectedTotals } from '@/lib/simulator/reporting-admin';
import { campaignsFor } from '@/lib/simulator/reporting-data';
import { patchReportingKnobs, reportingOf } from '@/lib/simulator/reporting-state';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState, type SimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { fernetEncrypt } from '../support/fernet-encrypt';
import { insertLiveConnection, insertUser } from '../support/fixtures';
import { isolateFromEarlierTests } from '../support/isolate-tests';

/**
 * The insights sync on a real PostgreSQL against the in-process simulator's reporting endpoints:
 * totals equal the simulator's, re-syncs are idempotent and take restated figures, Amazon runs
 * resume their report, leases keep one run per target, and failures end runs the right way.
 */
const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
const SCOPES = {
  x: ['tweet.read', 'users.read', 'offline.access'],
  'amazon-ads': ['advertising::campaign_management', 'profile'],
  linkedin: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'],
} as const;
type Seedable = keyof typeof SCOPES;

describe('insights sync on PostgreSQL', () => {
  let t: TestDatabase;
  let sim: SimulatorState;
  let fetchSim: typeof fetch;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await insertUser(t.db, 'alice');
    await insertUser(t.db, 'bob');
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    sim = createSimulatorState();
    fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    // Each test sees only its own connections and runs.
    await isolateFromEarlierTests(t.db);
  });

  const sweep = (owner = 'sweeper', extra: { pollWaitsMs?: number[]; env?: typeof env } = {}) =>
    advanceInsights(t.db, extra.env ?? env, { owner, origin: ORIGIN, deadline: Date.now() + 20_000, fetch: fetchSim, pollWaitsMs: extra.pollWaitsMs ?? [0, 0, 0] });

  /** A connection with live simulator tokens (a seeded persona: any account id is its own). */
  const connect = async (provider: Seedable, account: string, opts: { userId?: string; metadata?: Record<string, unknown> } = {}) => {
    const personaId = `${provider}-insights-${++seq}`;
    const tokens = seedGrant(sim, provider, { personaId, scopes: [...SCOPES[provider]] });
    const metadata =
      opts.metadata ??
      (provider === 'amazon-ads'
        ? { profiles: { na: [{ profileId: account, currencyCode: 'USD', timezone: 'UTC', accountInfo: { type: 'seller', name: 'Shop' } }] } }
        : provider === 'linkedin'
          ? { adAccounts: [{ id: account, name: `Account ${account}`, currency: 'EUR' }] }
          : {});
    const id = await insertLiveConnection(t.db, {
      userId: opts.userId ?? 'alice',
      provider,
      externalAccountId: provider === 'x' ? account : personaId,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata,
    });
    return { id, personaId };
  };

  const runsOf = (connectionId: string) =>
    t.db.query<{
      id: string;
      state: string;
      trigger: string;
      window_from: string;
      window_to: string;
      days_total: number;
      days_done: number;
      rows_written: number;
      requests_made: number;
      report_ids: string[];
      attempts: number;
      error_code: string | null;
      next_run_at: Date;
    }>(
      `select id, state, trigger, window_from::text, window_to::text, days_total, days_done, rows_written, requests_made, report_ids,
              attempts, error_code, next_run_at
         from insight_sync_runs where connection_id = $1 order by created_at`,
      [connectionId],
    );

  /** A Meta persona through the real connect flow (consent, callback): its connection's id. */
  const connectMeta = async (personaId: string) => {
    const url = await startAuthorization({ db: t.db, env, userId: 'alice', provider: 'meta', origin: ORIGIN, returnPath: '/', fetch: fetchSim });
    const redirect = await simulateConsent(fetchSim, url, { personaId });
    const { connectionId } = await completeAuthorization({
      db: t.db, env, provider: 'meta', sessionUserId: 'alice', query: redirect.searchParams, origin: ORIGIN, fetch: fetchSim,
    });
    return connectionId!;
  };

  /**
   * Meta's persona meta-lucia connected (connectMeta), syncing only `account` and not due by
   * schedule. Each test does this itself (it must pass run alone, `-t`): both ad accounts' targets
   * exist before one is chosen — otherwise the sweep derives the missing one, enabled and due, and
   * its scheduled run creates report runs of its own. The persona's connection is the same row in
   * every test, so `before` counts the runs earlier tests left on it.
   */
  const connectMetaAccount = async (account: string) => {
    const connectionId = await connectMeta('meta-lucia');
    await refreshSyncTargets(t.db);
    await t.db.query(`update insight_sync_targets set enabled = (account_id = $2), next_run_at = now() + interval '1 day' where connection_id = $1`, [connectionId, account]);
    return { connectionId, before: (await runsOf(connectionId)).length };
  };

  const stored = async (connectionId: string, from: string, to: string) =>
    (await asUser(t.db, 'alice', (tx) => listDailyMetrics(tx, { userId: 'alice', connectionId, from, to }))).map((m) => ({
      campaignId: m.campaign_id,
      day: m.day,
      impressions: Number(m.impressions),
      clicks: m.clicks === null ? null : Number(m.clicks),
      spend: m.spend === null ? null : Number(m.spend).toFixed(2),
      conversions: m.conversions === null ? null : Number(m.conversions),
      conversionValue: m.conversion_value === null ? null : Number(m.conversion_value).toFixed(2),
      currency: m.currency,
    }));

  const sortRows = <T extends { day: string; campaignId: string }>(rows: T[]) =>
    [...rows].sort((a, b) => (a.day + a.campaignId < b.day + b.campaignId ? -1 : 1));

  it('LinkedIn: the first sync backfills 30 days equal to the simulator; a re-sync takes restated figures without duplicates', async () => {
    const { id } = await connect('linkedin', '7000001');
    const summary = await sweep();
    expect(summary.errors).toEqual([]);
    const [run] = await runsOf(id);
    // One analytics read and one adCampaigns page (names and statuses, once per run).
    expect(run).toMatchObject({ state: 'succeeded', trigger: 'scheduled', days_total: 30, days_done: 30, requests_made: 2, attempts: 0 });
    const campaigns = await t.db.query<{ campaign_id: string; name: string | null; status: string | null }>(
      `select campaign_id, name, status from insight_campaigns where connection_id = $1 order by name`,
      [id],
    );
    expect(campaigns).toEqual(
      campaignsFor('linkedin', '7000001')
        .map((c) => ({ campaign_id: c.id, name: c.name, status: c.status === 'ENABLED' ? 'ACTIVE' : c.status }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    const { window_from: from, window_to: to } = run!;
    const expected = expectedRows(sim, 'linkedin', '7000001', from, to).map((r) => ({ ...r, currency: 'EUR' }));
    expect(sortRows(await stored(id, from, to))).toEqual(sortRows(expected));
    expect(run!.rows_written).toBe(expected.length);

    // The provider restates recent days; Sync now re-reads the 7-day lookback.
    patchReportingKnobs(sim, { restatementGeneration: 1 });
    await t.db.query(`update insight_sync_targets set next_run_at = now() - interval '1 second' where connection_id = $1`, [id]);
    const queued = await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId: id });
    expect(queued.kind).toBe('queued');
    const [target] = await t.db.query<{ next_run_at: Date }>('select next_run_at from insight_sync_targets where connection_id = $1', [id]);
    expect(target!.next_run_at.getTime()).toBeGreaterThan(Date.now()); // no scheduled run right behind the manual one
    await sweep();
    const [, second] = await runsOf(id);
    expect(second).toMatchObject({ state: 'succeeded', trigger: 'manual', days_total: 8 });
    const restated = expectedRows(sim, 'linkedin', '7000001', from, to).map((r) => ({ ...r, currency: 'EUR' }));
    expect(restated).not.toEqual(expected);
    expect(sortRows(await stored(id, from, to))).toEqual(sortRows(restated));
    const [count] = await t.db.query<{ n: number }>(`select count(*)::int as n from insight_daily_metrics where connection_id = $1`, [id]);
    expect(count!.n).toBe(expected.length);
  });

  it('Amazon: a run killed while its report is pending resumes polling the same report, never creating a second', async () => {
    const { id } = await connect('amazon-ads', '91000001');
    await sweep('first', { pollWaitsMs: [] });
    const [waiting] = await runsOf(id);
    expect(waiting).toMatchObject({ state: 'waiting' });
    expect(waiting!.report_ids).toHaveLength(1);
    // A sweeper claimed it and died: its lease runs out, and the next sweep takes the run over.
    await t.db.query(
      `update insight_sync_runs set lease_owner = 'crashed', lease_until = now() - interval '1 second', next_run_at = now() where id = $1`,
      [waiting!.id],
    );
    await sweep('second');
    const [done] = await runsOf(id);
    expect(done).toMatchObject({ state: 'succeeded', report_ids: waiting!.report_ids, days_done: 30 });
    expect(reportingOf(sim).calls['amazon-ads']).toMatchObject({ create: 1, download: 1 });
    const expected = expectedRows(sim, 'amazon-ads', '91000001', done!.window_from, done!.window_to);
    expect(sortRows(await stored(id, done!.window_from, done!.window_to))).toEqual(sortRows(expected));
    const totals = await asUser(t.db, 'alice', (tx) =>
      totalsByCurrency(tx, { userId: 'alice', connectionId: id, from: done!.window_from, to: done!.window_to }),
    );
    const [want] = expectedTotals(expected);
    expect(totals).toEqual([
      {
        currency: 'USD',
        impressions: String(want!.impressions),
        clicks: String(want!.clicks),
        spend: expect.stringMatching(new RegExp(`^${want!.spend.replace('.', '\\.')}0*$`)),
        conversions: expect.stringMatching(new RegExp(`^${want!.conversions}(\\.0+)?$`)),
        conversion_value: expect.stringMatching(new RegExp(`^${want!.conversionValue.replace('.', '\\.')}0*$`)),
      },
    ]);
  });

  it('Amazon: a backfill longer than 31 days requests every chunk’s report up front and writes each', async () => {
    const { id } = await connect('amazon-ads', '91000003');
    await sweep('first', { pollWaitsMs: [] }); // the scheduled 30-day backfill, left waiting
    await t.db.query(`update insight_sync_runs set state = 'failed' where connection_id = $1`, [id]);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 49 * 86_400_000).toISOString().slice(0, 10);
    expect(await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId: id, range: { from, to: today } })).toMatchObject({ kind: 'queued' });
    await sweep('second', { pollWaitsMs: [] });
    const [, waiting] = await runsOf(id);
    expect(waiting).toMatchObject({ state: 'waiting', trigger: 'backfill', days_total: 50 });
    expect(waiting!.report_ids).toHaveLength(2);
    await t.db.query(`update insight_sync_runs set next_run_at = now() where id = $1`, [waiting!.id]);
    await sweep('third');
    const [, done] = await runsOf(id);
    expect(done).toMatchObject({ state: 'succeeded', days_done: 50, report_ids: waiting!.report_ids });
    const expected = expectedRows(sim, 'amazon-ads', '91000003', from, today);
    expect(sortRows(await stored(id, from, today))).toEqual(sortRows(expected));
  });

  it('Amazon: while one chunk’s report is waited for, the later ones are polled too, so they are not waited for again', async () => {
    const { id } = await connect('amazon-ads', '91000013');
    await t.db.query(`update insight_sync_targets set next_run_at = now() + interval '1 day' where connection_id = $1`, [id]);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 49 * 86_400_000).toISOString().slice(0, 10);
    expect(await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId: id, range: { from, to: today } })).toMatchObject({ kind: 'queued' });
    patchReportingKnobs(sim, { amazonPollsUntilComplete: 2 }); // each report: PENDING, PROCESSING, then COMPLETED
    let waits = 0;
    await advanceInsights(t.db, env, {
      owner: 'ahead', origin: ORIGIN, deadline: Date.now() + 20_000, fetch: fetchSim, pollWaitsMs: [0, 0, 0, 0, 0],
      sleep: async () => void waits++,
    });
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ state: 'succeeded', days_total: 50 });
    // Two waits for the first chunk; the second chunk's report completed on the poll its turn began with.
    expect(waits).toBe(2);
    expect(reportingOf(sim).calls['amazon-ads']).toMatchObject({ create: 2 });
    expect(sortRows(await stored(id, from, today))).toEqual(sortRows(expectedRows(sim, 'amazon-ads', '91000013', from, today)));
  });

  it('Amazon: a report still pending after the last poll is requested again (a bounded number of times), then the run fails', async () => {
    const { id } = await connect('amazon-ads', '91000004');
    patchReportingKnobs(sim, { amazonPollsUntilComplete: 1_000 });
    await sweep('first', { pollWaitsMs: [] });
    const [waiting] = await runsOf(id);
    const exhaust = (recreated: number) =>
      t.db.query(
        `update insight_sync_runs set next_run_at = now(),
                progress = jsonb_set(jsonb_set(progress, '{chunks,0,polls}', '24'), '{chunks,0,recreated}', $2::text::jsonb) where id = $1`,
        [waiting!.id, String(recreated)],
      );
    await exhaust(0);
    await sweep('second', { pollWaitsMs: [] });
    // Requested again; Amazon's 425 names the unfinished report, so polling resumes on it, counted afresh.
    expect(reportingOf(sim).calls['amazon-ads']?.create).toBe(2);
    const [again] = await t.db.query<{ state: string; chunk: { polls: number; recreated: number } }>(
      `select state, progress #> '{chunks,0}' as chunk from insight_sync_runs where id = $1`,
      [waiting!.id],
    );
    expect(again).toMatchObject({ state: 'waiting', chunk: { polls: 1, recreated: 1 } });
    await exhaust(2);
    await sweep('third', { pollWaitsMs: [] });
    expect((await runsOf(id))[0]).toMatchObject({ state: 'failed', error_code: 'report_timeout' });
  });

  it('Amazon: a run that lost its report id gets 425 for the duplicate and resumes the report it names', async () => {
    const { id } = await connect('amazon-ads', '91000002');
    await sweep('first', { pollWaitsMs: [] });
    const [waiting] = await runsOf(id);
    // As if the id had not been stored (the crash came between Amazon's answer and our write).
    await t.db.query(
      `update insight_sync_runs set report_ids = '{}', next_run_at = now(),
              progress = jsonb_set(progress, '{chunks,0}', (progress #> '{chunks,0}') - 'reportId') where id = $1`,
      [waiting!.id],
    );
    await sweep('second');
    const [done] = await runsOf(id);
    expect(done).toMatchObject({ state: 'succeeded', report_ids: waiting!.report_ids });
    expect(reportingOf(sim).reports.size).toBe(1);
    expect(reportingOf(sim).calls['amazon-ads']).toMatchObject({ create: 2, download: 1 });
  });

  it('a network failure backs off and retries the same step; success clears the attempts', async () => {
    const { id } = await connect('linkedin', '7600001');
    const plain = fetchSim;
    let failures = 1;
    fetchSim = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/rest/adAnalytics') && failures-- > 0) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return plain(input, init);
    }) as typeof fetch;
    await sweep();
    const [retrying] = await runsOf(id);
    expect(retrying).toMatchObject({ state: 'requesting', attempts: 1, error_code: 'network' });
    expect(retrying!.next_run_at.getTime()).toBeGreaterThan(Date.now() + 10_000);
    await t.db.query(`update insight_sync_runs set next_run_at = now() where id = $1`, [retrying!.id]);
    await sweep();
    expect((await runsOf(id))[0]).toMatchObject({ state: 'succeeded', attempts: 0, error_code: null });
  });

  it('three sweepers at once: every target is synced by exactly one run, each window read once', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => connect('linkedin', String(7100000 + i))));
    patchReportingKnobs(sim, { latencyMs: 20 });
    // Runs resumed mid-window (their first step writes nothing before calling the provider).
    await refreshSyncTargets(t.db);
    expect(await queueDueRuns(t.db, env.insights)).toBe(12);
    await t.db.query(`update insight_sync_runs set state = 'requesting' where connection_id = any($1::uuid[])`, [ids.map((c) => c.id)]);
    // A cap above the number of targets, so only the leases keep the sweepers apart.
    const wide = { ...env, insights: { ...env.insights, providerConcurrency: 12 } };
    const summaries = await Promise.all([sweep('a', { env: wide }), sweep('b', { env: wide }), sweep('c', { env: wide })]);
    expect(summaries.flatMap((s) => s.errors)).toEqual([]);
    for (const { id } of ids) {
      const runs = await runsOf(id);
      expect(runs.map((r) => r.state)).toEqual(['succeeded']);
    }
    expect(reportingOf(sim).calls.linkedin?.analytics).toBe(12);
    expect(summaries.reduce((n, s) => n + (s.outcomes.succeeded ?? 0), 0)).toBe(12);
  });

  it('a run waiting on its report holds one slot, not the sweep: the other slots keep claiming runs meanwhile', async () => {
    const conns = await Promise.all(['94000001', '94000002', '94000003'].map((p) => connect('amazon-ads', p)));
    patchReportingKnobs(sim, { amazonPollsUntilComplete: 1 });
    const succeeded = async () =>
      (await t.db.query<{ n: number }>(`select count(*)::int as n from insight_sync_runs where state = 'succeeded' and connection_id = any($1::uuid[])`, [conns.map((c) => c.id)]))[0]!.n;
    // The first inline wait lasts until two other runs have finished (or 5 s); every later one is instant.
    let first = true;
    let othersFinishedDuringWait = false;
    const sleep = async () => {
      if (!first) return;
      first = false;
      for (const until = Date.now() + 5_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
        if ((await succeeded()) >= 2) {
          othersFinishedDuringWait = true;
          return;
        }
      }
    };
    const two = { ...env, insights: { ...env.insights, providerConcurrency: 2 } };
    const summary = await advanceInsights(t.db, two, { owner: 'slots', origin: ORIGIN, deadline: Date.now() + 20_000, fetch: fetchSim, pollWaitsMs: [1, 1, 1], sleep });
    expect(summary.errors).toEqual([]);
    // With two slots, the third run started while the first still waited: it did not wait for the whole batch.
    expect(othersFinishedDuringWait).toBe(true);
    expect(await succeeded()).toBe(3);
  });

  it('a 401 mid-sync forces one refresh and one retry', async () => {
    const { id } = await connect('x', '1700000000000000001');
    patchReportingKnobs(sim, { unauthorized: { x: 1 } });
    await sweep();
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ state: 'succeeded', error_code: null });
    expect(sim.stats.x.tokenCalls.refresh_token).toEqual({ ok: 1 });
  });

  it('a dead grant fails the run with "reconnect", marks the connection, and stops scheduling', async () => {
    const { id, personaId } = await connect('linkedin', '7200001');
    for (const grant of sim.grants.values()) if (grant.personaId === personaId) revokeGrant(sim, grant, 'removed_by_user', 'admin');
    await sweep();
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ state: 'failed', error_code: 'reconnect' });
    const [conn] = await t.db.query<{ status: string }>('select status from connections where id = $1', [id]);
    expect(conn!.status).toBe('needs_reauth');
    await t.db.query(`update insight_sync_targets set next_run_at = now() - interval '1 second' where connection_id = $1`, [id]);
    expect(await queueDueRuns(t.db, env.insights)).toBe(0);
    expect(await runsOf(id)).toHaveLength(1);
  });

  it('after the dead grant is reconnected, the status says the sync resumes, not "reconnect", before any new run', async () => {
    const { id, personaId } = await connect('linkedin', '7200003');
    for (const grant of sim.grants.values()) if (grant.personaId === personaId) revokeGrant(sim, grant, 'removed_by_user', 'admin');
    await sweep();
    const state = async () => (await describeSyncStatus(t.db, { userId: 'alice', connectionId: id })).targets[0]!.state;
    expect(await state()).toBe('reconnect');
    // Reconnecting stores the new grant as upsertConnection does: active, last_refreshed_at = now().
    await t.db.query(`update connections set status = 'active', last_refreshed_at = now() where id = $1`, [id]);
    expect(await state()).toBe('resuming');
    expect(await runsOf(id)).toHaveLength(1);
  });

  it('the first sweep after a reconnect syncs the account again, not the slot hours away', async () => {
    const { id, personaId } = await connect('linkedin', '7200004');
    for (const grant of sim.grants.values()) if (grant.personaId === personaId) revokeGrant(sim, grant, 'removed_by_user', 'admin');
    await sweep();
    expect((await runsOf(id))[0]).toMatchObject({ state: 'failed', error_code: 'reconnect' });
    // Skipped while the grant is dead, however due.
    expect(await queueDueRuns(t.db, env.insights)).toBe(0);
    // Reconnected with a new grant, stored as upsertConnection does (active, last_refreshed_at = now()).
    const tokens = seedGrant(sim, 'linkedin', { personaId, scopes: [...SCOPES.linkedin] });
    await t.db.query(
      `update connections set status = 'active', last_refreshed_at = now(), access_token_enc = $2, refresh_token_enc = $3 where id = $1`,
      [id, encryptToken(tokens.accessToken), encryptToken(tokens.refreshToken)],
    );
    await sweep();
    const runs = await runsOf(id);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ state: 'succeeded', trigger: 'scheduled', error_code: null });
  });

  it('tokens no configured key can decrypt fail the run with "key_unavailable", not "reconnect"', async () => {
    const { id } = await connect('linkedin', '7200002');
    const foreignKey = crypto.randomBytes(32).toString('base64url');
    await t.db.query('update connections set access_token_enc = $2 where id = $1', [id, fernetEncrypt(foreignKey, 'unreadable-token')]);
    await sweep();
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ state: 'failed', error_code: 'key_unavailable' });
    const status = await describeSyncStatus(t.db, { userId: 'alice', connectionId: id });
    expect(status.targets[0]).toMatchObject({ state: 'failed', lastRun: { errorCode: 'key_unavailable' } });
    expect(status.targets[0]!.lastRun!.errorMessage).toMatch(/encryption keys/);
    expect(status.targets[0]!.lastRun!.errorMessage).not.toMatch(/reconnect/i);
  });

  it('an Amazon backfill wholly older than its 60 days is refused with the reason, and nothing is queued', async () => {
    const { id } = await connect('amazon-ads', '92000009');
    const today = new Date().toISOString().slice(0, 10);
    const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const range = { from: day(-200), to: day(-100) };
    const result = await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId: id, range });
    expect(result).toEqual({
      kind: 'out_of_range',
      message: `Amazon Ads keeps daily figures for 60 days, so nothing from ${range.from} to ${range.to} is left to read. The earliest day that can be backfilled is ${day(-59)}.`,
    });
    expect(await runsOf(id)).toEqual([]);
  });

  it('a 429 defers the run without failing it; it resumes after Retry-After', async () => {
    const { id } = await connect('linkedin', '7300001');
    patchReportingKnobs(sim, { rateLimit: { linkedin: { count: 1, retryAfterSec: 120 } } });
    await sweep();
    const [deferred] = await runsOf(id);
    expect(deferred).toMatchObject({ state: 'deferred', error_code: 'rate_limited', attempts: 0, requests_made: 1 });
    expect(deferred!.next_run_at.getTime() - Date.now()).toBeGreaterThan(100_000);
    await sweep();
    expect((await runsOf(id))[0]!.state).toBe('deferred'); // not before its time
    await t.db.query(`update insight_sync_runs set next_run_at = now() where id = $1`, [deferred!.id]);
    await sweep();
    expect((await runsOf(id))[0]).toMatchObject({ state: 'succeeded', error_code: null });
  });

  it('a 429 without Retry-After from LinkedIn waits for its daily reset at midnight UTC', async () => {
    const { id } = await connect('linkedin', '7300002');
    patchReportingKnobs(sim, { rateLimit: { linkedin: { count: 1, retryAfterSec: null } } });
    await sweep();
    const [deferred] = await runsOf(id);
    const now = new Date();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    expect(deferred!.state).toBe('deferred');
    expect(Math.abs(deferred!.next_run_at.getTime() - Math.max(midnight, Date.now() + 60_000))).toBeLessThan(5_000);
  });

  it('one target failing (Amazon fails its report every time) leaves the others succeeding', async () => {
    const amazon = await connect('amazon-ads', '92000001');
    const linkedin = await connect('linkedin', '7400001');
    patchReportingKnobs(sim, { amazonFailReports: 3 });
    await sweep();
    expect((await runsOf(amazon.id))[0]).toMatchObject({ state: 'failed', error_code: 'report_failed' });
    // Re-created a bounded number of times: the first report and two more.
    expect(reportingOf(sim).calls['amazon-ads']?.create).toBe(3);
    expect((await runsOf(linkedin.id))[0]).toMatchObject({ state: 'succeeded' });
  });

  it('Meta and X through their real connect flows: stored figures equal the simulator’s', async () => {
    const connectionId = await connectMeta('meta-ben');
    patchReportingKnobs(sim, { metaPageSize: 7 });
    await sweep();
    const [run] = await runsOf(connectionId);
    expect(run).toMatchObject({ state: 'succeeded', days_done: 30 });
    const expected = expectedRows(sim, 'meta', 'act_1234567890123461', run!.window_from, run!.window_to);
    expect(run!.requests_made).toBe(Math.ceil(expected.length / 7));
    expect(sortRows(await stored(connectionId, run!.window_from, run!.window_to))).toEqual(sortRows(expected));

    const x = await connect('x', '1700000000000000002');
    await sweep();
    const [xRun] = await runsOf(x.id);
    expect(xRun).toMatchObject({ state: 'succeeded' });
    const xExpected = expectedRows(sim, 'x', '1700000000000000002', xRun!.window_from, xRun!.window_to);
    expect(xExpected.length).toBeGreaterThan(0);
    expect(sortRows(await stored(x.id, xRun!.window_from, xRun!.window_to))).toEqual(sortRows(xExpected));
  });

  it('Meta near its usage limit: the chunk is written, then the run pauses', async () => {
    const connectionId = await connectMeta('meta-lucia');
    patchReportingKnobs(sim, { metaUsagePct: 97 });
    const range = { from: '2026-08-01', to: '2026-09-15' }; // two chunks
    await t.db.query(`update insight_sync_targets set enabled = false where connection_id = $1 and account_id <> 'act_1234567890123451'`, [connectionId]);
    await t.db.query(`update insight_sync_targets set next_run_at = now() + interval '1 day' where connection_id = $1`, [connectionId]);
    const queued = await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId, range });
    expect(queued.kind).toBe('queued');
    // Paged reads (the usage headers come with every page); long windows would use report runs.
    await sweep('sweeper', { env: parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, INSIGHTS_META_ASYNC_AFTER_DAYS: '60' }) });
    const [run] = await runsOf(connectionId);
    expect(run).toMatchObject({ state: 'deferred', error_code: 'rate_limited', trigger: 'backfill', days_done: 31, days_total: 46 });
  });

  it('Meta backfill over 31 days: async report runs, ids kept; a run killed while they are pending resumes them, never creating more', async () => {
    const account = 'act_1234567890123451';
    const { connectionId, before } = await connectMetaAccount(account);
    patchReportingKnobs(sim, { metaPageSize: 40, metaPollsUntilComplete: 1 });
    const range = { from: '2026-06-01', to: '2026-08-29' }; // 90 days: three chunks
    expect((await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId, range })).kind).toBe('queued');
    await sweep('first', { pollWaitsMs: [] });
    const [waiting] = (await runsOf(connectionId)).slice(before);
    expect(waiting).toMatchObject({ state: 'waiting', days_total: 90, days_done: 0 });
    expect(waiting!.report_ids).toHaveLength(3);
    expect(reportingOf(sim).calls.meta).toMatchObject({ report_run_create: 3, report_run_poll: 1 });
    expect(reportingOf(sim).calls.meta?.insights).toBeUndefined(); // no paged read of the account

    // The sweeper died holding the run: the next one polls the same three report runs.
    await t.db.query(`update insight_sync_runs set lease_owner = 'crashed', lease_until = now() - interval '1 second', next_run_at = now() where id = $1`, [waiting!.id]);
    await sweep('second', { pollWaitsMs: [0, 0, 0] });
    const [done] = (await runsOf(connectionId)).slice(before);
    expect(done).toMatchObject({ state: 'succeeded', days_done: 90, report_ids: waiting!.report_ids });
    expect(reportingOf(sim).calls.meta?.report_run_create).toBe(3);
    const expected = expectedRows(sim, 'meta', account, range.from, range.to);
    expect(done!.rows_written).toBe(expected.length);
    // Only this account's campaigns (the persona's other account may hold rows from earlier tests).
    const campaigns = new Set(expected.map((r) => r.campaignId));
    const mine = (await stored(connectionId, range.from, range.to)).filter((r) => campaigns.has(r.campaignId));
    expect(sortRows(mine)).toEqual(sortRows(expected));
  });

  it('Meta backfill through report runs near the usage limit: defers rate_limited after a create, a poll and a written chunk, then completes with every row once', async () => {
    const account = 'act_1234567890123451';
    const { connectionId, before } = await connectMetaAccount(account);
    const range = { from: '2026-06-01', to: '2026-08-29' }; // 90 days: three chunks of 31, 31 and 28 days
    expect((await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId, range })).kind).toBe('queued');
    const current = async () => (await runsOf(connectionId)).slice(before)[0]!;
    const resume = async (owner: string) => {
      await t.db.query(`update insight_sync_runs set next_run_at = now() where id = $1`, [(await current()).id]);
      await sweep(owner, { pollWaitsMs: [0, 0, 0] });
      return current();
    };
    const calls = () => reportingOf(sim).calls.meta ?? {};

    // The first create's answer says 97 %: no more are created; its id is kept; the run pauses 5 minutes.
    patchReportingKnobs(sim, { metaPageSize: 40, metaPollsUntilComplete: 1, metaUsagePct: 97, metaUsageOn: ['report_run_create'] });
    await sweep('first', { pollWaitsMs: [0, 0, 0] });
    const first = await current();
    expect(first).toMatchObject({ state: 'deferred', error_code: 'rate_limited', days_done: 0, rows_written: 0 });
    expect(first.report_ids).toHaveLength(1);
    expect(first.next_run_at.getTime() - Date.now()).toBeGreaterThan(240_000);
    expect(calls()).toMatchObject({ report_run_create: 1 });
    expect(calls().report_run_poll).toBeUndefined();

    // Near the limit on polls: the rest are created, the first is polled once (still running), and the run pauses again.
    patchReportingKnobs(sim, { metaUsageOn: ['report_run_poll'] });
    const second = await resume('second');
    expect(second).toMatchObject({ state: 'deferred', error_code: 'rate_limited', days_done: 0 });
    expect(second.report_ids).toHaveLength(3);
    expect(second.report_ids[0]).toBe(first.report_ids[0]);
    expect(calls()).toMatchObject({ report_run_create: 3, report_run_poll: 1 });

    // Near the limit on the rows: the ready chunk is read whole and written, then the run pauses.
    patchReportingKnobs(sim, { metaUsageOn: ['report_run_insights'] });
    const third = await resume('third');
    const firstChunk = expectedRows(sim, 'meta', account, '2026-06-01', '2026-07-01');
    expect(third).toMatchObject({ state: 'deferred', error_code: 'rate_limited', days_done: 31, rows_written: firstChunk.length });
    expect(calls()).toMatchObject({ report_run_create: 3, report_run_poll: 2 });

    // The usage drops: the run completes from where it stopped, creating nothing more.
    patchReportingKnobs(sim, { metaUsagePct: null });
    const done = await resume('fourth');
    const expected = expectedRows(sim, 'meta', account, range.from, range.to);
    expect(done).toMatchObject({ state: 'succeeded', error_code: null, days_done: 90, report_ids: second.report_ids, rows_written: expected.length });
    expect(calls().report_run_create).toBe(3);
    const campaigns = new Set(expected.map((r) => r.campaignId));
    const mine = (await stored(connectionId, range.from, range.to)).filter((r) => campaigns.has(r.campaignId));
    expect(sortRows(mine)).toEqual(sortRows(expected));
  });

  it('Meta: report run ids that expired (Meta no longer knows them) are re-created and the run succeeds', async () => {
    const { connectionId, before } = await connectMetaAccount('act_1234567890123451');
    patchReportingKnobs(sim, { metaPollsUntilComplete: 1 });
    expect((await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId, range: { from: '2026-06-01', to: '2026-07-10' } })).kind).toBe('queued');
    await sweep('first', { pollWaitsMs: [] });
    const [waiting] = (await runsOf(connectionId)).slice(before);
    expect(waiting).toMatchObject({ state: 'waiting' });
    expect(waiting!.report_ids).toHaveLength(2);
    // Meta forgets both report runs before the next sweep polls them.
    reportingOf(sim).metaRuns.clear();
    await t.db.query(`update insight_sync_runs set next_run_at = now() where id = $1`, [waiting!.id]);
    await sweep('second', { pollWaitsMs: [0, 0, 0] });
    const [done] = (await runsOf(connectionId)).slice(before);
    expect(done).toMatchObject({ state: 'succeeded', days_done: 40, error_code: null });
    expect(reportingOf(sim).calls.meta?.report_run_create).toBe(2 + 2); // each chunk's first run, and one re-creation each
  });

  it('Meta: a report run that fails on every re-creation fails the run with report_failed', async () => {
    const { connectionId, before } = await connectMetaAccount('act_1234567890123451');
    patchReportingKnobs(sim, { metaPollsUntilComplete: 0, metaFailReportRuns: 10 });
    expect((await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId, range: { from: '2026-06-01', to: '2026-07-10' } })).kind).toBe('queued');
    await sweep('sweeper', { pollWaitsMs: [0, 0, 0] });
    const [run] = (await runsOf(connectionId)).slice(before);
    expect(run).toMatchObject({ state: 'failed', error_code: 'report_failed' });
    expect(reportingOf(sim).calls.meta?.report_run_create).toBe(3 + 1); // the first chunk's three tries (two re-creations), the second chunk's one
  });

  it('Sync now while a run is unfinished answers with that run', async () => {
    const { id } = await connect('amazon-ads', '93000001');
    await sweep('first', { pollWaitsMs: [] });
    const [waiting] = await runsOf(id);
    expect(await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId: id })).toEqual({ kind: 'running', runId: waiting!.id });
  });

  it('INSIGHTS=off: nothing is derived, queued or advanced', async () => {
    const { id } = await connect('linkedin', '7700001');
    const off = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, INSIGHTS: 'off' });
    const summary = await sweep('off', { env: off });
    expect(summary).toMatchObject({ targetsRefreshed: 0, queued: 0, advanced: 0 });
    expect(await runsOf(id)).toEqual([]);
    const [targets] = await t.db.query<{ n: number }>('select count(*)::int as n from insight_sync_targets where connection_id = $1', [id]);
    expect(targets!.n).toBe(0);
  });

  it('another user sees none of the figures or runs', async () => {
    const { id } = await connect('linkedin', '7500001');
    await sweep();
    const seen = await asUser(t.db, 'bob', async (tx) => ({
      metrics: await listDailyMetrics(tx, { userId: 'alice', connectionId: id, from: '2000-01-01', to: '2100-01-01' }),
      runs: await tx.query('select id from insight_sync_runs where connection_id = $1', [id]),
    }));
    expect(seen).toEqual({ metrics: [], runs: [] });
    const own = await asUser(t.db, 'alice', (tx) => tx.query('select id from insight_sync_runs where connection_id = $1', [id]));
    expect(own).toHaveLength(1);
  });
});
