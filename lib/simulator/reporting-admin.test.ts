import { describe, expect, it } from 'vitest';
import { createSimulatorFetch } from './fetch';
import { DEFAULT_REPORTING_KNOBS, reportingOf } from './reporting-state';
import { createSimulatorState } from './state';

/** The reporting admin API an e2e test drives: knobs, reset, state, and the figures a correct sync stores. */
const ORIGIN = 'http://sim.test';

function setup() {
  const state = createSimulatorState();
  const fetchSim = createSimulatorFetch(state, { origin: ORIGIN });
  const admin = (path: string, init?: RequestInit) => fetchSim(`${ORIGIN}/api/simulator/_admin/reporting/${path}`, init);
  return { state, admin };
}

type Expected = {
  rows: { campaignId: string; day: string; impressions: number; clicks: number | null; spend: string | null; conversions: number | null; conversionValue: string | null; currency: string | null }[];
  totals: { currency: string | null; impressions: number; clicks: number; spend: string; conversions: number; conversionValue: string }[];
};
const expected = async (admin: ReturnType<typeof setup>['admin'], query: string) => {
  const res = await admin(`expected?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Expected;
};
const sumCents = (values: (string | null)[]) => values.reduce((n, v) => n + (v === null ? 0 : Math.round(Number(v) * 100)), 0);

describe('simulator reporting admin API', () => {
  it('patches knobs (an empty body changes nothing), refuses bad JSON and unknown knobs with 400, and reset restores the defaults', async () => {
    const { state, admin } = setup();
    const empty = await admin('knobs', { method: 'POST' });
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as { knobs: unknown }).knobs).toEqual(DEFAULT_REPORTING_KNOBS);

    const patched = await admin('knobs', { method: 'POST', body: JSON.stringify({ metaPageSize: 5, rateLimit: { x: { count: 1, retryAfterSec: 3 } } }) });
    expect(((await patched.json()) as { knobs: { metaPageSize: number } }).knobs.metaPageSize).toBe(5);
    // A second patch keeps the first one's per-provider entries.
    await admin('knobs', { method: 'POST', body: JSON.stringify({ rateLimit: { meta: { count: 2, retryAfterSec: null } }, unauthorized: { linkedin: 1 } }) });
    expect(reportingOf(state).knobs.rateLimit).toEqual({ x: { count: 1, retryAfterSec: 3 }, meta: { count: 2, retryAfterSec: null } });

    const notJson = await admin('knobs', { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'invalid_request', message: 'Invalid reporting knobs', issues: [] });
    const unknown = await admin('knobs', { method: 'POST', body: JSON.stringify({ turbo: true }) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
    expect(reportingOf(state).knobs.metaPageSize).toBe(5);

    expect(await (await admin('reset', { method: 'POST' })).json()).toEqual({ ok: true });
    const after = (await (await admin('state')).json()) as { knobs: unknown; calls: unknown; reports: unknown[] };
    expect(after).toEqual({ knobs: DEFAULT_REPORTING_KNOBS, calls: {}, reports: [] });
  });

  it('shows Amazon reports in state without their internal request key', async () => {
    const { state, admin } = setup();
    reportingOf(state).reports.set('r1', {
      reportId: 'r1', profileId: '555', clientId: 'c', startDate: '2026-11-01', endDate: '2026-11-02', requestKey: 'secret-key', polls: 0, failing: false, status: 'PENDING',
    });
    const body = (await (await admin('state')).json()) as { reports: Record<string, unknown>[] };
    expect(body.reports).toEqual([{ reportId: 'r1', profileId: '555', clientId: 'c', startDate: '2026-11-01', endDate: '2026-11-02', polls: 0, failing: false, status: 'PENDING' }]);
  });

  it('expected figures carry each provider’s account currency (USD for an unknown account) and exact totals', async () => {
    const { admin } = setup();
    const range = 'from=2026-11-01&to=2026-11-05';
    const cases: [string, string, string][] = [
      ['amazon-ads', '3470110214120012', 'CAD'],
      ['amazon-ads', '999', 'USD'],
      ['linkedin', '5123457', 'EUR'],
      ['linkedin', '1', 'USD'],
      ['meta', 'act_1234567890123461', 'GBP'],
      ['meta', 'act_1', 'USD'],
    ];
    for (const [provider, account, currency] of cases) {
      const body = await expected(admin, `provider=${provider}&account=${account}&${range}`);
      expect(body.rows.length, account).toBeGreaterThan(0);
      expect(new Set(body.rows.map((r) => r.currency)), account).toEqual(new Set([currency]));
      expect(body.totals).toHaveLength(1);
      expect(body.totals[0]!.impressions).toBe(body.rows.reduce((n, r) => n + r.impressions, 0));
      expect(Math.round(Number(body.totals[0]!.spend) * 100)).toBe(sumCents(body.rows.map((r) => r.spend)));
      expect(Math.round(Number(body.totals[0]!.conversionValue) * 100)).toBe(sumCents(body.rows.map((r) => r.conversionValue)));
    }
  });

  it('expected Meta rows have no conversions on a day without a purchase, where the others report 0', async () => {
    const { admin } = setup();
    const range = 'from=2026-09-01&to=2026-11-30';
    const meta = await expected(admin, `provider=meta&account=act_1234567890123451&${range}`);
    const none = meta.rows.filter((r) => r.conversions === null);
    expect(none.length).toBeGreaterThan(0);
    expect(none.every((r) => r.conversionValue === null)).toBe(true);
    expect(meta.rows.every((r) => r.conversions !== 0)).toBe(true);
    const linkedin = await expected(admin, `provider=linkedin&account=5123456&${range}`);
    expect(linkedin.rows.some((r) => r.conversions === 0 && r.conversionValue === '0.00')).toBe(true);
    expect(linkedin.rows.every((r) => r.conversions !== null)).toBe(true);
  });

  it('expected X rows are organic impressions per day, without currency, and leave out posts not yet made', async () => {
    const { state, admin } = setup();
    const now = Date.parse('2026-11-03T12:00:00Z');
    state.now = () => now;
    const body = await expected(admin, 'provider=x&account=1468021597370163201&from=2026-10-25&to=2026-11-10');
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((r) => r.campaignId === 'organic' && r.currency === null && r.spend === null && r.clicks === null)).toBe(true);
    expect(body.rows.every((r) => r.day <= '2026-11-03')).toBe(true);
    expect(new Set(body.rows.map((r) => r.day)).size).toBe(body.rows.length);
    expect(body.totals).toEqual([expect.objectContaining({ currency: null, spend: '0.00', impressions: body.rows.reduce((n, r) => n + r.impressions, 0) })]);
  });

  it('refuses a bad expected query with 400 and an unknown endpoint with 404', async () => {
    const { admin } = setup();
    for (const query of ['provider=tiktok&account=1&from=2026-11-01&to=2026-11-02', 'provider=x&account=1&from=yesterday&to=2026-11-02', 'provider=x&from=2026-11-01&to=2026-11-02']) {
      const res = await admin(`expected?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    }
    const unknown = await admin('rewind', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found', message: 'Unknown reporting admin endpoint rewind' });
    expect((await admin('knobs')).status).toBe(404);
  });
});
