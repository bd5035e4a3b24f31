import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { seedGrant } from './seed';
import { createSimulatorState } from './state';

/** The reporting endpoints behave like providers.md describes, deterministically. */
const ORIGIN = 'http://sim.test';

function setup() {
  const state = createSimulatorState();
  const fetchSim = createSimulatorFetch(state, { origin: ORIGIN });
  const call = (provider: 'amazon-ads' | 'linkedin' | 'x' | 'meta', url: string, init?: RequestInit) => fetchSim(toSimulatorUrl(ORIGIN, provider, url), init);
  const admin = (path: string, init?: RequestInit) => fetchSim(`${ORIGIN}/api/simulator/_admin/reporting/${path}`, init);
  return { state, call, admin };
}

const ADS = 'https://advertising-api.amazon.com';
const reportBody = (from: string, to: string) =>
  JSON.stringify({
    startDate: from,
    endDate: to,
    configuration: { adProduct: 'SPONSORED_PRODUCTS', groupBy: ['campaign'], columns: ['date', 'campaignId', 'cost'], reportTypeId: 'spCampaigns', timeUnit: 'DAILY', format: 'GZIP_JSON' },
  });

describe('simulator reporting', () => {
  it('Amazon: PENDING → PROCESSING → COMPLETED, 425 for a duplicate meanwhile, gzip download that refuses Ads headers', async () => {
    const { state, call, admin } = setup();
    const { accessToken } = seedGrant(state, 'amazon-ads', { personaId: 'amz-1', scopes: ['advertising::campaign_management'] });
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'amazon-advertising-api-clientid': SIMULATOR_CREDENTIALS['amazon-ads'].clientId,
      'amazon-advertising-api-scope': '555',
      'content-type': 'application/vnd.createasyncreportrequest.v3+json',
    };
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const created = await call('amazon-ads', `${ADS}/reporting/reports`, { method: 'POST', headers, body: reportBody(from, today) });
    const { reportId } = (await created.json()) as { reportId: string };
    const duplicate = await call('amazon-ads', `${ADS}/reporting/reports`, { method: 'POST', headers, body: reportBody(from, today) });
    expect(duplicate.status).toBe(425);
    expect(await duplicate.json()).toEqual({ code: '425', details: `The Request is a duplicate of : ${reportId}` });

    const statuses = [];
    let url: string | null = null;
    for (let i = 0; i < 3; i++) {
      const polled = (await (await call('amazon-ads', `${ADS}/reporting/reports/${reportId}`, { headers })).json()) as { status: string; url: string | null };
      statuses.push(polled.status);
      url = polled.url;
    }
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    expect((await call('amazon-ads', url!, { headers: { authorization: headers.authorization } })).status).toBe(400);
    const file = await call('amazon-ads', url!);
    const rows = JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8')) as { date: string; cost: number }[];
    const expected = (await (await admin(`expected?provider=amazon-ads&account=555&from=${from}&to=${today}`)).json()) as { rows: unknown[] };
    expect(rows).toHaveLength(expected.rows.length);
    expect(rows.length).toBe(18);
    expect(typeof rows[0]!.cost).toBe('number');
  });

  it('Amazon: a report longer than 31 days is refused, and the FAILURE knob fails the next report', async () => {
    const { state, call, admin } = setup();
    const { accessToken } = seedGrant(state, 'amazon-ads', { personaId: 'amz-2', scopes: ['advertising::campaign_management'] });
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'amazon-advertising-api-clientid': SIMULATOR_CREDENTIALS['amazon-ads'].clientId,
      'amazon-advertising-api-scope': '556',
      'content-type': 'application/vnd.createasyncreportrequest.v3+json',
    };
    const tooLong = await call('amazon-ads', `${ADS}/reporting/reports`, { method: 'POST', headers, body: reportBody('2026-10-01', '2026-11-01') });
    expect(tooLong.status).toBe(400);
    await admin('knobs', { method: 'POST', body: JSON.stringify({ amazonFailReports: 1, amazonPollsUntilComplete: 0 }) });
    const { reportId } = (await (await call('amazon-ads', `${ADS}/reporting/reports`, { method: 'POST', headers, body: reportBody('2026-11-01', '2026-11-02') })).json()) as { reportId: string };
    const polled = (await (await call('amazon-ads', `${ADS}/reporting/reports/${reportId}`, { headers })).json()) as { status: string };
    expect(polled.status).toBe('FAILURE');
  });

  it('LinkedIn: refuses a request without LinkedIn-Version, and more fields than the limit', async () => {
    const { state, call } = setup();
    const { accessToken } = seedGrant(state, 'linkedin', { personaId: 'li-1', scopes: ['r_ads_reporting'] });
    const base =
      'https://api.linkedin.com/rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY' +
      '&dateRange=(start:(year:2026,month:11,day:1),end:(year:2026,month:11,day:2))&accounts=List(urn%3Ali%3AsponsoredAccount%3A9)';
    const auth = { authorization: `Bearer ${accessToken}`, 'x-restli-protocol-version': '2.0.0' };
    const noVersion = await call('linkedin', `${base}&fields=dateRange,pivotValues,clicks`, { headers: auth });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ code: 'VERSION_MISSING' });
    const fields = ['dateRange', 'pivotValues', ...Array.from({ length: 19 }, (_, i) => `f${i}`)];
    const tooMany = await call('linkedin', `${base}&fields=${fields.join(',')}`, { headers: { ...auth, 'linkedin-version': '202603' } });
    expect(tooMany.status).toBe(400);
    const ok = await call('linkedin', `${base}&fields=dateRange,pivotValues,costInLocalCurrency`, { headers: { ...auth, 'linkedin-version': '202603' } });
    const body = (await ok.json()) as { elements: { costInLocalCurrency: string; pivotValues: string[] }[] };
    expect(body.elements).toHaveLength(6);
    expect(body.elements[0]!.costInLocalCurrency).toMatch(/^\d+\.\d{2}$/);
    expect(Object.keys(body.elements[0]!).sort()).toEqual(['costInLocalCurrency', 'dateRange', 'pivotValues']);
  });

  it('figures are the same in every new simulator (stable across restarts) and restatements change only recent days', async () => {
    const a = setup();
    const b = setup();
    const q = 'expected?provider=linkedin&account=42&from=2026-11-01&to=2026-11-30';
    const first = (await (await a.admin(q)).json()) as { rows: { day: string; spend: string }[]; totals: unknown[] };
    expect(await (await b.admin(q)).json()).toEqual(first);
    await a.admin('knobs', { method: 'POST', body: JSON.stringify({ restatementGeneration: 2, restateDays: 3 }) });
    const restated = (await (await a.admin('expected?provider=linkedin&account=42&from=2020-01-01&to=2100-01-01')).json()) as { rows: { day: string; spend: string }[] };
    const original = (await (await b.admin('expected?provider=linkedin&account=42&from=2020-01-01&to=2100-01-01')).json()) as { rows: { day: string; spend: string }[] };
    const changed = new Set(restated.rows.filter((r, i) => r.spend !== original.rows[i]!.spend).map((r) => r.day));
    const today = new Date().toISOString().slice(0, 10);
    expect([...changed].every((d) => d <= today && Date.parse(today) - Date.parse(d) < 3 * 86_400_000)).toBe(true);
    expect(changed.size).toBe(3);
  });

  it('X: posts carry public_metrics; a knob 429 carries x-rate-limit-reset; bad knobs are refused', async () => {
    const { state, call, admin } = setup();
    expect((await admin('knobs', { method: 'POST', body: JSON.stringify({ metaUsagePct: 101 }) })).status).toBe(400);
    const { accessToken } = seedGrant(state, 'x', { personaId: 'x-1', scopes: ['tweet.read', 'users.read'] });
    const posts = await call('x', `https://api.x.com/2/users/123/tweets?max_results=100&tweet.fields=created_at,public_metrics&start_time=2026-11-01T00:00:00Z&end_time=2026-11-08T00:00:00Z`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const body = (await posts.json()) as { data?: { public_metrics: Record<string, number> }[] };
    expect(Object.keys(body.data![0]!.public_metrics).sort()).toEqual(['bookmark_count', 'impression_count', 'like_count', 'quote_count', 'reply_count', 'retweet_count']);
    const limited = await admin('knobs', { method: 'POST', body: JSON.stringify({ rateLimit: { x: { count: 1, retryAfterSec: null } } }) });
    expect(limited.status).toBe(200);
    const throttled = await call('x', 'https://api.x.com/2/users/123/tweets?max_results=100', { headers: { authorization: `Bearer ${accessToken}` } });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-rate-limit-reset')).toMatch(/^\d+$/);
  });
});
