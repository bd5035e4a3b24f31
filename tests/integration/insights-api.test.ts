import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { toCsv } from '@/lib/insights/csv';
import { insightsQuerySchema, readInsights } from '@/lib/insights/query';
import { queueSyncNow } from '@/lib/insights/queue';
import { describeSyncStatus, listSyncHistory } from '@/lib/insights/status';
import { advanceInsights } from '@/lib/insights/sweep';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { expectedRows, expectedTotals } from '@/lib/simulator/reporting-admin';
import { patchReportingKnobs } from '@/lib/simulator/reporting-state';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';

/**
 * What the analytics API serves, on both drivers (the embedded default is PGlite): sync status
 * with progress and counts, paged history, insights per period with per-currency totals, CSV.
 */
const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });

describe.each(DRIVERS)('analytics API functions on %s', (driver) => {
  let t: TestDatabase;
  const sim = createSimulatorState();
  const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
  let connectionId: string;

  const sweep = () => advanceInsights(t.db, env, { owner: 'api-test', origin: ORIGIN, deadline: Date.now() + 20_000, fetch: fetchSim, pollWaitsMs: [0, 0, 0] });

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'alice');
    await insertUser(t.db, 'bob');
    const tokens = seedGrant(sim, 'linkedin', { personaId: 'li-api', scopes: ['r_ads', 'r_ads_reporting'] });
    connectionId = await insertLiveConnection(t.db, {
      userId: 'alice',
      provider: 'linkedin',
      externalAccountId: 'li-api',
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata: { adAccounts: [{ id: '8800001', name: 'Brand', currency: 'USD' }, { id: '8800002', name: 'Leads', currency: 'EUR' }] },
    });
  });
  afterAll(() => t.dispose());

  it('status shows each target, its progress while deferred, and its outcome after; history pages by run', async () => {
    patchReportingKnobs(sim, { rateLimit: { linkedin: { count: 1, retryAfterSec: 300 } } });
    expect((await sweep()).errors).toEqual([]);
    let status = await describeSyncStatus(t.db, { userId: 'alice', connectionId });
    expect(status.targets.map((s) => s.state).sort()).toEqual(['deferred', 'idle']);
    const deferred = status.targets.find((s) => s.state === 'deferred')!;
    expect(deferred.progress).toEqual({ daysDone: 0, daysTotal: 30 });
    expect(deferred.lastRun).toMatchObject({ errorCode: 'rate_limited' });
    expect(Date.parse(deferred.nextRunAt!) - Date.now()).toBeGreaterThan(250_000);

    await t.db.query(`update insight_sync_runs set next_run_at = now() where state = 'deferred'`);
    await sweep();
    status = await describeSyncStatus(t.db, { userId: 'alice', connectionId });
    expect(status.targets.map((s) => s.state)).toEqual(['idle', 'idle']);
    expect(status.targets.every((s) => s.lastSuccessAt && s.lastRun?.state === 'succeeded' && s.progress === null)).toBe(true);
    expect(status.last7Days).toEqual([{ provider: 'linkedin', succeeded: 2, failed: 0 }]);
    // Bob sees nothing of it.
    expect(await describeSyncStatus(t.db, { userId: 'bob' })).toEqual({ targets: [], last7Days: [] });

    const queued = await queueSyncNow(t.db, env.insights, { userId: 'alice', connectionId });
    expect(queued).toMatchObject({ kind: 'queued' });
    const audit = await t.db.query<{ actor: string; detail: unknown }>(
      `select actor, detail from audit_events where connection_id = $1 and action = 'insights.sync_requested'`,
      [connectionId],
    );
    expect(audit).toEqual([{ actor: 'user', detail: { runs: 2 } }]);
    await sweep();
    const first = await listSyncHistory(t.db, { userId: 'alice', connectionId, limit: 2 });
    expect(first.runs).toHaveLength(2);
    expect(first.runs.every((r) => r.trigger === 'manual' && r.state === 'succeeded' && r.durationMs !== null)).toBe(true);
    const second = await listSyncHistory(t.db, { userId: 'alice', connectionId, limit: 2, after: first.next! });
    expect(second.runs.map((r) => r.trigger)).toEqual(['scheduled', 'scheduled']);
    expect(second.next).toBeNull();
    expect(new Set([...first.runs, ...second.runs].map((r) => r.id)).size).toBe(4);
  });

  it('insights: per-currency totals equal the simulator’s; weeks add up to the days; CSV has the same rows', async () => {
    const [run] = await t.db.query<{ from: string; to: string }>(
      `select window_from::text as from, window_to::text as to from insight_sync_runs where trigger = 'scheduled' limit 1`,
    );
    const q = insightsQuerySchema.parse({ from: run!.from, to: run!.to, connection: connectionId });
    const daily = await readInsights(t.db, 'alice', q);
    const want = [
      ...expectedTotals(expectedRows(sim, 'linkedin', '8800002', run!.from, run!.to).map((r) => ({ ...r, currency: 'EUR' }))),
      ...expectedTotals(expectedRows(sim, 'linkedin', '8800001', run!.from, run!.to).map((r) => ({ ...r, currency: 'USD' }))),
    ];
    expect(daily.totals.map((x) => ({ currency: x.currency, impressions: x.impressions, spend: Number(x.spend).toFixed(2) }))).toEqual(
      want.map((w) => ({ currency: w.currency, impressions: String(w.impressions), spend: w.spend })),
    );
    const weekly = await readInsights(t.db, 'alice', { ...q, granularity: 'week' });
    expect(weekly.rows.length).toBeLessThan(daily.rows.length);
    const sum = (rows: { impressions: string | null }[]) => rows.reduce((n, r) => n + Number(r.impressions), 0);
    expect(sum(weekly.rows)).toBe(sum(daily.rows));
    expect(weekly.rows.every((r) => new Date(`${r.day}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    const csv = toCsv(daily.rows).trimEnd().split('\r\n');
    expect(csv).toHaveLength(daily.rows.length + 1);
    expect(await readInsights(t.db, 'bob', q)).toEqual({ rows: [], totals: [] });
  });

  it('refuses a malformed query', () => {
    expect(insightsQuerySchema.safeParse({ from: '2026-02-01', to: '2026-01-01' }).success).toBe(false);
    expect(insightsQuerySchema.safeParse({ from: '2026-01-01', to: '2026-01-31', granularity: 'hour' }).success).toBe(false);
    expect(insightsQuerySchema.safeParse({ from: '2026-01-01', to: '2026-01-31', extra: '1' }).success).toBe(false);
    expect(insightsQuerySchema.parse({ from: '2026-01-01', to: '2026-01-31' })).toMatchObject({ granularity: 'day', format: 'json' });
  });
});
