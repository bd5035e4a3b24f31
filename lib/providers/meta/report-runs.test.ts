import { describe, expect, it } from 'vitest';
import { fetcherFor } from '@/lib/insights/fetchers';
import { metaInsights } from '@/lib/providers/meta/insights';
import { metaReportRuns, reportRunStatus } from '@/lib/providers/meta/report-runs';
import type { SyncTarget } from '@/lib/insights/types';
import { answer, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const { server, requests } = setupProviderServer();
const target: SyncTarget = {
  id: 't', userId: 'u', connectionId: 'c', provider: 'meta', accountId: 'act_42', accountName: 'A', region: null, currency: 'EUR', timeZone: 'Europe/Madrid',
};
const GRAPH = 'https://graph.facebook.com/v22.0';
const element = (day: string) => ({
  campaign_id: '23850000000000001',
  campaign_name: 'Always on',
  impressions: '100',
  inline_link_clicks: '7',
  spend: '12.34',
  date_start: day,
  date_stop: day,
});

describe('Meta async report runs (providers.md §4 "Insights" [M25])', () => {
  it('creates a run with the paged read’s parameters, polls it, and pages its insights; the token never enters a URL', async () => {
    server.use(
      answer('post', `${GRAPH}/act_42/insights`, () => json({ report_run_id: '6000000000001' })),
      answer('get', `${GRAPH}/6000000000001`, () => json({ id: '6000000000001', async_status: 'Job Running', async_percent_completion: 40 })),
    );
    const p = await resolveConfigured('meta');
    const ctx = { provider: p, accessToken: 'EAAtoken', target, now: new Date() };
    const created = await metaReportRuns.createReport(ctx, { from: '2026-01-01', to: '2026-03-31' });
    expect(created).toStrictEqual({ reportId: '6000000000001' }); // no usage headers: no pause
    const id = created.reportId;
    expect(await metaReportRuns.pollReport(ctx, id)).toEqual({ status: 'pending' });

    server.use(answer('get', `${GRAPH}/6000000000001`, () => json({ id, async_status: 'Job Completed', async_percent_completion: 100 })));
    const done = await metaReportRuns.pollReport(ctx, id);
    expect(done).toEqual({ status: 'completed', url: id });

    const pages = [
      json({ data: [element('2026-01-01')], paging: { cursors: { after: 'c1' }, next: `${GRAPH}/6000000000001/insights?after=c1` } }),
      json({ data: [element('2026-01-02')], paging: { cursors: { after: 'c2' } } }),
    ];
    server.use(answer('get', `${GRAPH}/6000000000001/insights`, () => pages.shift()!));
    const { rows, pauseSec } = await metaReportRuns.downloadReport(ctx, done.status === 'completed' ? done.url : '');
    expect(pauseSec).toBeUndefined();
    expect(rows.map((r) => [r.campaignId, r.day, r.spend, r.clicks, r.currency])).toEqual([
      ['23850000000000001', '2026-01-01', '12.34', 7, 'EUR'],
      ['23850000000000001', '2026-01-02', '12.34', 7, 'EUR'],
    ]);

    const [create, poll1, poll2, page1, page2] = await requests();
    expect(create!.method).toBe('POST');
    expect(Object.fromEntries(create!.url.searchParams)).toMatchObject({
      level: 'campaign',
      time_increment: '1',
      time_range: '{"since":"2026-01-01","until":"2026-03-31"}',
    });
    expect(poll1!.url.pathname).toBe('/v22.0/6000000000001');
    expect(poll2!.url.searchParams.get('fields')).toContain('async_status');
    expect(page1!.url.searchParams.has('after')).toBe(false);
    expect(page2!.url.searchParams.get('after')).toBe('c1');
    for (const r of [create, poll1, poll2, page1, page2]) {
      expect(r!.url.href).not.toContain('EAAtoken');
      expect(r!.headers.get('authorization')).toBe('Bearer EAAtoken');
    }
  });

  it('a create, a poll or a download page whose usage headers say ≥ 95 % advises a pause; the download still reads every page [M5]', async () => {
    const near = (pct: number, regainMin = 0) => ({
      'x-business-use-case-usage': JSON.stringify({ act_42: [{ type: 'ads_insights', call_count: pct, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: regainMin }] }),
    });
    server.use(
      answer('post', `${GRAPH}/act_42/insights`, () => json({ report_run_id: '6000000000009' }, { headers: near(96, 7) })),
      answer('get', `${GRAPH}/6000000000009`, () => json({ id: '6000000000009', async_status: 'Job Running', async_percent_completion: 50 }, { headers: { 'x-app-usage': JSON.stringify({ call_count: 95 }) } })),
    );
    const p = await resolveConfigured('meta');
    const ctx = { provider: p, accessToken: 'EAAtoken', target, now: new Date() };
    // estimated_time_to_regain_access is in minutes.
    expect(await metaReportRuns.createReport(ctx, { from: '2026-01-01', to: '2026-03-31' })).toStrictEqual({ reportId: '6000000000009', pauseSec: 420 });
    expect(await metaReportRuns.pollReport(ctx, '6000000000009')).toStrictEqual({ status: 'pending', pauseSec: 300 });

    // Only the second of three pages is near the limit: the pause comes back with every page's rows.
    const pages = [
      json({ data: [element('2026-01-01')], paging: { cursors: { after: 'c1' }, next: `${GRAPH}/6000000000009/insights?after=c1` } }, { headers: near(94) }),
      json({ data: [element('2026-01-02')], paging: { cursors: { after: 'c2' }, next: `${GRAPH}/6000000000009/insights?after=c2` } }, { headers: near(97, 2) }),
      json({ data: [element('2026-01-03')], paging: { cursors: { after: 'c3' } } }),
    ];
    server.use(answer('get', `${GRAPH}/6000000000009/insights`, () => pages.shift()!));
    const { rows, pauseSec } = await metaReportRuns.downloadReport(ctx, '6000000000009');
    expect(rows.map((r) => r.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(pauseSec).toBe(120);

    // Below the threshold (94 %) says nothing.
    server.use(answer('post', `${GRAPH}/act_42/insights`, () => json({ report_run_id: '6000000000010' }, { headers: near(94, 5) })));
    expect(await metaReportRuns.createReport(ctx, { from: '2026-04-01', to: '2026-04-30' })).toStrictEqual({ reportId: '6000000000010' });
  });

  it('"Job Failed" and "Job Skipped" fail the report (the engine re-creates it at most twice); Completed below 100 % still waits', () => {
    expect(reportRunStatus({ async_status: 'Job Failed', error_code: 2, error_message: 'Service temporarily unavailable' }, 'r')).toEqual({
      status: 'failed',
      reason: 'Meta report run job failed: Service temporarily unavailable',
    });
    expect(reportRunStatus({ async_status: 'Job Skipped' }, 'r')).toMatchObject({ status: 'failed' });
    expect(reportRunStatus({ async_status: 'Job Completed', async_percent_completion: 99 }, 'r')).toEqual({ status: 'pending' });
    expect(reportRunStatus({ async_status: 'Job Not Started', async_percent_completion: 0 }, 'r')).toEqual({ status: 'pending' });
    // Completed without a percentage is done; a skipped run without a message still says it was skipped.
    expect(reportRunStatus({ async_status: 'Job Completed' }, 'r-7')).toEqual({ status: 'completed', url: 'r-7' });
    expect(reportRunStatus({ async_status: 'Job Skipped' }, 'r')).toEqual({ status: 'failed', reason: 'Meta report run job skipped' });
  });

  it('a dead token while polling is a classified provider error (code 190), as for the paged read', async () => {
    server.use(
      answer('get', `${GRAPH}/6000000000002`, () =>
        json({ error: { message: 'Error validating access token: Session has expired.', type: 'OAuthException', code: 190, error_subcode: 463 } }, { status: 400 }),
      ),
    );
    const p = await resolveConfigured('meta');
    const err = await rejectionOf(metaReportRuns.pollReport({ provider: p, accessToken: 'EAAtoken', target, now: new Date() }, '6000000000002'));
    expect(err.message).not.toContain('EAAtoken');
    expect(err.status).toBe(400);
  });

  it('a report run id Meta no longer knows (code 100, subcode 33) fails the report, so the engine re-creates it', async () => {
    const unknown = (type: string) =>
      json({ error: { message: "Unsupported get request. Object with ID '6000000000003' does not exist", type, code: 100, error_subcode: 33 } }, { status: 400 });
    server.use(answer('get', `${GRAPH}/6000000000003`, () => unknown('GraphMethodException')));
    const p = await resolveConfigured('meta');
    const ctx = { provider: p, accessToken: 'EAAtoken', target, now: new Date() };
    expect(await metaReportRuns.pollReport(ctx, '6000000000003')).toStrictEqual({ status: 'failed', reason: 'Meta no longer knows report run 6000000000003 (expired)' });
    // Other code-100 answers stay errors (a bad parameter is not an expired run).
    server.use(answer('get', `${GRAPH}/6000000000003`, () => json({ error: { message: 'Invalid parameter', type: 'OAuthException', code: 100 } }, { status: 400 })));
    expect(await rejectionOf(metaReportRuns.pollReport(ctx, '6000000000003'))).toMatchObject({ code: 'OAuthException/100', status: 400 });
  });

  it('long windows (over INSIGHTS_META_ASYNC_AFTER_DAYS) use report runs; short ones and other providers read directly', () => {
    expect(fetcherFor('meta', 90, { metaAsyncAfterDays: 31 })).toBe(metaReportRuns);
    expect(fetcherFor('meta', 31, { metaAsyncAfterDays: 31 })).toBe(metaInsights);
    expect(fetcherFor('linkedin', 400, { metaAsyncAfterDays: 31 }).kind).toBe('sync');
  });

  it('refuses to create, poll or read a report run through a provider that is not Meta, sending nothing', async () => {
    const p = await resolveConfigured('linkedin');
    const ctx = { provider: p, accessToken: 't', target, now: new Date() };
    expect(await rejectionOf(metaReportRuns.createReport(ctx, { from: '2026-01-01', to: '2026-01-31' }))).toMatchObject({ code: 'invalid_response' });
    expect(await rejectionOf(metaReportRuns.pollReport(ctx, 'r-1'))).toMatchObject({ code: 'invalid_response' });
    expect(await rejectionOf(metaReportRuns.downloadReport(ctx, 'r-1'))).toMatchObject({ code: 'invalid_response' });
    expect(await requests()).toEqual([]);
  });
});

