import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import { REPORT_DOWNLOAD_HOST } from './reporting-amazon';
import { reportingOf } from './reporting-state';
import { seedGrant } from './seed';
import { createSimulatorState } from './state';

/** Amazon Ads v3 async reports as a sync sees them (providers.md §1 "Reporting"): refusals, polling, the S3 download. */
const ORIGIN = 'http://sim.test';
const ADS = 'https://advertising-api.amazon.com';
const NOW = Date.parse('2026-11-20T12:00:00Z');
const AVERY_CAD = '3470110214120012';
const CREATE_TYPE = 'application/vnd.createasyncreportrequest.v3+json';

const config = (over: Record<string, unknown> = {}) => ({
  adProduct: 'SPONSORED_PRODUCTS', groupBy: ['campaign'], columns: ['date', 'campaignId', 'cost'], reportTypeId: 'spCampaigns', timeUnit: 'DAILY', format: 'GZIP_JSON', ...over,
});
const body = (startDate = '2026-11-10', endDate = '2026-11-12', configuration = config()) => JSON.stringify({ startDate, endDate, configuration });

function setup(personaId = 'amazon-avery', profile = AVERY_CAD) {
  const state = createSimulatorState({ now: () => NOW });
  const fetchSim = createSimulatorFetch(state, { origin: ORIGIN });
  const { accessToken } = seedGrant(state, 'amazon-ads', { personaId, scopes: ['advertising::campaign_management'] });
  const headers: Record<string, string> = {
    authorization: `Bearer ${accessToken}`,
    'amazon-advertising-api-clientid': SIMULATOR_CREDENTIALS['amazon-ads'].clientId,
    'amazon-advertising-api-scope': profile,
    'content-type': CREATE_TYPE,
  };
  const call = (url: string, init: RequestInit = {}) => fetchSim(toSimulatorUrl(ORIGIN, 'amazon-ads', url), { headers, ...init });
  const create = (payload = body(), h = headers) => call(`${ADS}/reporting/reports`, { method: 'POST', headers: h, body: payload });
  const poll = (id: string, h = headers) => call(`${ADS}/reporting/reports/${id}`, { headers: h });
  return { state, headers, call, create, poll, knobs: reportingOf(state).knobs };
}
type Report = { reportId: string; status: string; url: string | null; urlExpiresAt: string | null; failureReason: string | null };
type AdsError = { code: string; details: string };

describe('simulator Amazon reporting refusals', () => {
  it('throttles with 429, Retry-After only when the knob gives one, and a token that died mid-sync with 401', async () => {
    const { create, knobs } = setup();
    knobs.rateLimit = { 'amazon-ads': { count: 1, retryAfterSec: 12 } };
    const limited = await create();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    expect(await limited.json()).toEqual({ code: '429', details: 'Too Many Requests' });
    knobs.rateLimit = { 'amazon-ads': { count: 1, retryAfterSec: null } };
    const bare = await create();
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    knobs.unauthorized = { 'amazon-ads': 1 };
    const died = await create();
    expect(died.status).toBe(401);
    expect(await died.json()).toEqual({ code: 'UNAUTHORIZED', details: 'HTTP 401 Unauthorized' });
    expect((await create()).status).toBe(200);
  });

  it('refuses a missing ClientId header with 401, and a profile that is not the user’s with 403', async () => {
    const { create, headers } = setup();
    const { 'amazon-advertising-api-clientid': _drop, ...noClient } = headers;
    const unauthorized = await create(body(), noClient);
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as AdsError).details).toContain('Amazon-Advertising-API-ClientId');
    for (const scope of ['555', 'not-a-number']) {
      const res = await create(body(), { ...headers, 'amazon-advertising-api-scope': scope });
      expect(res.status, scope).toBe(403);
      expect(((await res.json()) as AdsError).code).toBe('FORBIDDEN');
    }
    const { 'amazon-advertising-api-scope': _scope, ...noScope } = headers;
    expect((await create(body(), noScope)).status).toBe(403);
  });

  it('refuses a wrong content type (415) and bad report requests (400 INVALID_ARGUMENT, with the reason)', async () => {
    const { create, headers, state } = setup();
    expect((await create(body(), { ...headers, 'content-type': 'application/json' })).status).toBe(415);
    const cases: [string, string][] = [
      ['{not json', 'The request body is not JSON'],
      [body('2026-11-10', '2026-11-12', config({ reportTypeId: 'sbCampaigns' })), 'Invalid report request at configuration.reportTypeId'],
      [body('2026-11-12', '2026-11-10'), 'endDate is before startDate'],
      [body('2026-08-01', '2026-08-02'), 'startDate is beyond the 95-day lookback'],
      [body('2026-11-10', '2026-11-12', config({ columns: ['campaignId', 'cost'] })), 'DAILY reports need the date column'],
    ];
    for (const [payload, details] of cases) {
      const res = await create(payload);
      expect(res.status, details).toBe(400);
      expect(await res.json(), details).toEqual({ code: 'INVALID_ARGUMENT', details });
    }
    // A SUMMARY report needs no date column.
    expect((await create(body('2026-11-10', '2026-11-12', config({ timeUnit: 'SUMMARY', columns: ['campaignId', 'cost'] })))).status).toBe(200);
    expect(reportingOf(state).reports.size).toBe(1);
  });
});

describe('simulator Amazon report lifecycle', () => {
  it('completes after the polls knob with a signed S3 link, and the download carries the profile’s currency', async () => {
    const { create, poll, call, knobs } = setup();
    knobs.amazonPollsUntilComplete = 0;
    const created = (await (await create()).json()) as Report;
    expect(created).toMatchObject({ status: 'PENDING', url: null, urlExpiresAt: null, failureReason: null });
    const done = (await (await poll(created.reportId)).json()) as Report;
    expect(done.status).toBe('COMPLETED');
    expect(new URL(done.url!).host).toBe(REPORT_DOWNLOAD_HOST);
    expect(done.urlExpiresAt).not.toBeNull();
    // Polling a finished report keeps it finished.
    expect(((await (await poll(created.reportId)).json()) as Report).status).toBe('COMPLETED');

    const file = await call(done.url!, { headers: {} });
    expect(file.headers.get('content-type')).toBe('application/x-gzip');
    const rows = JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8')) as { campaignBudgetCurrencyCode: string; date: string; campaignName: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.campaignBudgetCurrencyCode))).toEqual(new Set(['CAD']));
    expect(new Set(rows.map((r) => r.date))).toEqual(new Set(['2026-11-10', '2026-11-11', '2026-11-12']));
    expect(rows.every((r) => typeof r.campaignName === 'string')).toBe(true);
  });

  it('a duplicate of a finished report is a new report, not a 425', async () => {
    const { create, poll, knobs } = setup();
    knobs.amazonPollsUntilComplete = 0;
    const first = (await (await create()).json()) as Report;
    await poll(first.reportId);
    const second = await create();
    expect(second.status).toBe(200);
    expect(((await second.json()) as Report).reportId).not.toBe(first.reportId);
  });

  it('a failing report says why, and has no download link', async () => {
    const { create, poll, knobs } = setup();
    knobs.amazonPollsUntilComplete = 0;
    knobs.amazonFailReports = 1;
    const { reportId } = (await (await create()).json()) as Report;
    expect(await (await poll(reportId)).json()).toMatchObject({ status: 'FAILURE', url: null, failureReason: 'Report generation failed (simulated)' });
  });

  it('hides a report from another profile and an unknown id (404)', async () => {
    const { create, poll, headers } = setup();
    const { reportId } = (await (await create()).json()) as Report;
    for (const res of [await poll(reportId, { ...headers, 'amazon-advertising-api-scope': '3470110214120011' }), await poll('00000000-0000-0000-0000-000000000000')]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ code: 'NOT_FOUND', details: 'Report not found' });
    }
    expect((await poll(reportId, { ...headers, authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('the S3 link refuses Ads headers, a wrong signature and an unfinished report with S3’s XML errors', async () => {
    const { create, poll, call, knobs } = setup();
    knobs.amazonPollsUntilComplete = 0;
    const { reportId } = (await (await create()).json()) as Report;
    const { url } = (await (await poll(reportId)).json()) as Report;
    const withScope = await call(url!, { headers: { 'amazon-advertising-api-scope': AVERY_CAD } });
    expect(withScope.status).toBe(400);
    expect(await withScope.text()).toContain('<Code>InvalidArgument</Code>');
    const forged = await call(url!.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00'), { headers: {} });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toBe('application/xml');
    expect(await forged.text()).toContain('<Code>AccessDenied</Code>');

    knobs.amazonPollsUntilComplete = 5;
    const pending = (await (await create(body('2026-11-01', '2026-11-02'))).json()) as Report;
    const early = await call(`https://${REPORT_DOWNLOAD_HOST}/${pending.reportId}.json.gz?X-Amz-Signature=x`, { headers: {} });
    expect(early.status).toBe(403);
  });

  it('a seeded persona may report on any profile, in USD', async () => {
    const { create, poll, call, knobs } = setup('amz-seeded', '777');
    knobs.amazonPollsUntilComplete = 0;
    const { reportId } = (await (await create()).json()) as Report;
    const { url } = (await (await poll(reportId)).json()) as Report;
    const rows = JSON.parse(gunzipSync(Buffer.from(await (await call(url!, { headers: {} })).arrayBuffer())).toString('utf8')) as { campaignBudgetCurrencyCode: string }[];
    expect(new Set(rows.map((r) => r.campaignBudgetCurrencyCode))).toEqual(new Set(['USD']));
  });
});
