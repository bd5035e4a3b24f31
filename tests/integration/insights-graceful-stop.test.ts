import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { queueDueRuns } from '@/lib/insights/queue';
import { refreshSyncTargets } from '@/lib/insights/targets';
import { stopGracefully } from '@/lib/shutdown';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { patchReportingKnobs, reportingOf } from '@/lib/simulator/reporting-state';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState, type SimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';
import { sweepInsights, TEST_ORIGIN as ORIGIN } from '../support/insight-sweep';
import { isolateFromEarlierTests } from '../support/isolate-tests';

/**
 * A stopping process (SIGTERM/SIGINT, lib/shutdown.ts) claims no more insight runs; a run under
 * way finishes its step, stores it and hands its lease back due now, so another instance resumes
 * it at once instead of after the 5-minute lease; the process exits only after that.
 */
// 90 days: a first sync of three 31-day chunks, so a stop can land between two of them.
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, INSIGHTS_BACKFILL_DAYS: '90' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const urlOf = (input: RequestInfo | URL) => (input instanceof Request ? input.url : String(input));

interface RunState {
  id: string;
  state: string;
  lease_owner: string | null;
  days_done: number;
  days_total: number;
  rows_written: number;
  due: boolean;
  progress: { index: number };
}

describe('insight runs during a graceful stop', () => {
  let t: TestDatabase;
  let sim: SimulatorState;
  let fetchSim: typeof fetch;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    await insertUser(t.db, 'stella');
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    sim = createSimulatorState();
    fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    // Each test syncs only its own connection.
    await isolateFromEarlierTests(t.db);
  });

  const connect = async () => {
    const personaId = `linkedin-stop-${++seq}`;
    const tokens = seedGrant(sim, 'linkedin', { personaId, scopes: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'] });
    return insertLiveConnection(t.db, {
      userId: 'stella',
      provider: 'linkedin',
      externalAccountId: personaId,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata: { adAccounts: [{ id: `77${seq}`, name: 'Stop', currency: 'EUR' }] },
    });
  };
  const runOf = async (connectionId: string) =>
    (await t.db.query<RunState>(
      `select id, state, lease_owner, days_done, days_total, rows_written, next_run_at <= now() as due, progress
         from insight_sync_runs where connection_id = $1`,
      [connectionId],
    ))[0];
  const sweep = (owner: string, options: { signal?: AbortSignal; fetch?: typeof fetch } = {}) =>
    sweepInsights(t.db, env, { owner, fetch: options.fetch ?? fetchSim, signal: options.signal });
  /** Calls the simulator; the first reporting call fires `onFirst` and answers only after `delayMs`. */
  const stopDuringFirstReport = (onFirst: () => void, delayMs = 200): typeof fetch => {
    let fired = false;
    return (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!fired && urlOf(input).includes('/rest/adAnalytics')) {
        fired = true;
        onFirst();
        await sleep(delayMs);
      }
      return fetchSim(input, init);
    }) as typeof fetch;
  };

  it('a stop during a chunk’s download: the chunk is written, the lease handed back due now, and another instance finishes the run at once', async () => {
    const id = await connect();
    const stop = new AbortController();
    const summary = await sweep('stopping-instance', { signal: stop.signal, fetch: stopDuringFirstReport(() => stop.abort()) });

    expect(summary.outcomes).toEqual({ paused: 1 });
    const paused = (await runOf(id))!;
    expect(paused).toMatchObject({ state: 'requesting', lease_owner: null, due: true, days_done: 31, days_total: 90 });
    expect(paused.progress.index).toBe(1);
    const [figures] = await t.db.query<{ days: number }>('select count(distinct day)::int as days from insight_daily_metrics where connection_id = $1', [id]);
    expect(figures!.days).toBeGreaterThan(0);
    expect(figures!.days).toBeLessThanOrEqual(31);

    // No lease to wait out: the next instance's sweep takes it from chunk two.
    const next = await sweep('other-instance');
    expect(next.outcomes).toEqual({ succeeded: 1 });
    expect(await runOf(id)).toMatchObject({ id: paused.id, state: 'succeeded', lease_owner: null, days_done: 90 });
  });

  it('once stopping, a sweep claims no run and calls no provider', async () => {
    const id = await connect();
    await refreshSyncTargets(t.db);
    expect(await queueDueRuns(t.db, env.insights)).toBe(1);
    const calls: string[] = [];
    const counting = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(urlOf(input));
      return fetchSim(input, init);
    }) as typeof fetch;
    const summary = await sweep('stopping-instance', { signal: AbortSignal.abort(), fetch: counting });
    expect(summary).toMatchObject({ advanced: 0, outcomes: {} });
    expect(calls).toEqual([]);
    expect(await runOf(id)).toMatchObject({ state: 'queued', lease_owner: null, days_done: 0 });
    const [leased] = await t.db.query<{ n: number }>('select count(*)::int as n from insight_sync_runs where connection_id = $1 and lease_owner is not null', [id]);
    expect(leased!.n).toBe(0);
  });

  it('Amazon: a stop while a pending report is waited for inline ends the wait at once; the stored report is polled by the next instance', async () => {
    const tokens = seedGrant(sim, 'amazon-ads', { personaId: `amazon-stop-${++seq}`, scopes: ['advertising::campaign_management', 'profile'] });
    const id = await insertLiveConnection(t.db, {
      userId: 'stella',
      provider: 'amazon-ads',
      externalAccountId: `amazon-stop-${seq}`,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata: { profiles: { na: [{ profileId: `9500000${seq}`, currencyCode: 'USD', timezone: 'UTC', accountInfo: { type: 'seller', name: 'Shop' } }] } },
    });
    patchReportingKnobs(sim, { amazonPollsUntilComplete: 1_000 });
    const stop = new AbortController();
    let polls = 0;
    let pollsAtStop = -1;
    const polling = (async (input: RequestInfo | URL, init?: RequestInit) => {
      // The first poll of a report: the stop comes while the sweep waits to poll it again.
      if (/\/reporting\/reports\/[^/]+$/.test(new URL(urlOf(input)).pathname) && ++polls === 1) {
        setTimeout(() => {
          pollsAtStop = polls;
          stop.abort();
        }, 100);
      }
      return fetchSim(input, init);
    }) as typeof fetch;
    const started = Date.now();
    const summary = await sweepInsights(t.db, env, { owner: 'stopping-instance', fetch: polling, pollWaitsMs: [10_000], signal: stop.signal });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(summary.outcomes).toEqual({ paused: 1 });
    expect(polls).toBe(pollsAtStop); // no poll after the stop
    const [run] = await t.db.query<{ state: string; lease_owner: string | null; due: boolean; report_ids: string[] }>(
      'select state, lease_owner, next_run_at <= now() as due, report_ids from insight_sync_runs where connection_id = $1',
      [id],
    );
    expect(run).toMatchObject({ state: 'waiting', lease_owner: null, due: true });
    expect(run!.report_ids.length).toBeGreaterThan(0);
    // Resumed by another instance: the same reports polled, none requested again.
    const created = reportingOf(sim).calls['amazon-ads']?.create;
    await sweepInsights(t.db, env, { owner: 'other-instance', fetch: fetchSim, pollWaitsMs: [] });
    expect(reportingOf(sim).calls['amazon-ads']?.create).toBe(created);
  });

  describe('with the process stop (SIGTERM)', () => {
    const holder = globalThis as unknown as { grantkeeperShutdown?: unknown };
    const originalExit = process.exit;
    afterEach(() => {
      process.exit = originalExit;
      delete holder.grantkeeperShutdown;
    });

    it('exits only once the run under way has stored its step and given its lease back', async () => {
      delete holder.grantkeeperShutdown;
      const id = await connect();
      // The run as the database has it the moment the process would exit.
      const atExit: Promise<RunState | undefined>[] = [];
      process.exit = ((code?: number) => {
        atExit.push(runOf(id));
        return code as never;
      }) as typeof process.exit;
      let stopped: Promise<number | undefined> | undefined;
      const flush = () => Promise.resolve();
      // No signal passed: the sweep follows the process's own stop, as in production.
      const sweeping = sweepInsights(t.db, env, {
        owner: 'sigterm-instance',
        fetch: stopDuringFirstReport(() => (stopped = stopGracefully('SIGTERM', { graceMs: 10_000, flush }, false)), 500),
      });

      const summary = await sweeping;
      expect(await stopped).toBe(143);
      expect(summary.outcomes).toEqual({ paused: 1 });
      expect(atExit).toHaveLength(1);
      expect(await atExit[0]).toMatchObject({ state: 'requesting', lease_owner: null, due: true, days_done: 31 });
    });
  });
});
