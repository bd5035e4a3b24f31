import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { amazonAdsInsights, parseReportRows } from '@/lib/providers/amazon-ads/insights';
import type { FetchContext } from '@/lib/insights/fetcher';
import type { SyncTarget } from '@/lib/insights/types';
import { answer, CREDENTIALS, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';
import { HttpResponse } from 'msw';

const { server, requests } = setupProviderServer();
const EU = 'https://advertising-api-eu.amazon.com';
const target: SyncTarget = {
  id: 't', userId: 'u', connectionId: 'c', provider: 'amazon-ads', accountId: '3470110214120021', accountName: 'UK', region: 'eu', currency: 'GBP', timeZone: 'Europe/London',
};
const ctx = async (): Promise<FetchContext> => ({ provider: await resolveConfigured('amazon-ads'), accessToken: 'Atza|token', target, now: new Date() });

describe('Amazon Ads reporting v3 (providers.md §1 "Reporting")', () => {
  it('creates a DAILY spCampaigns GZIP_JSON report on the profile’s regional host with the Ads headers [AZ7]', async () => {
    let body: unknown;
    server.use(
      answer('post', `${EU}/reporting/reports`, async ({ request }) => {
        body = await request.json();
        return json({ reportId: 'r-1', status: 'PENDING', url: null, urlExpiresAt: null });
      }),
    );
    expect(await amazonAdsInsights.createReport(await ctx(), { from: '2026-11-01', to: '2026-11-30' })).toBe('r-1');
    const [request] = await requests();
    expect(request!.headers.get('content-type')).toBe('application/vnd.createasyncreportrequest.v3+json');
    expect(request!.headers.get('amazon-advertising-api-clientid')).toBe(CREDENTIALS['amazon-ads'].AMAZON_ADS_CLIENT_ID);
    expect(request!.headers.get('amazon-advertising-api-scope')).toBe('3470110214120021');
    expect(request!.headers.get('authorization')).toBe('Bearer Atza|token');
    expect(body).toMatchObject({
      startDate: '2026-11-01',
      endDate: '2026-11-30',
      configuration: { adProduct: 'SPONSORED_PRODUCTS', groupBy: ['campaign'], reportTypeId: 'spCampaigns', timeUnit: 'DAILY', format: 'GZIP_JSON' },
    });
    expect((body as { configuration: { columns: string[] } }).configuration.columns).toEqual(expect.arrayContaining(['date', 'campaignId', 'cost']));
  });

  it('a 425 duplicate resumes the report it names instead of failing [airbyte PR 61652]', async () => {
    server.use(answer('post', `${EU}/reporting/reports`, () => json({ code: '425', details: 'The Request is a duplicate of : 0b5e7c1a-1111-2222-3333-444455556666' }, { status: 425 })));
    expect(await amazonAdsInsights.createReport(await ctx(), { from: '2026-11-01', to: '2026-11-02' })).toBe('0b5e7c1a-1111-2222-3333-444455556666');
  });

  it('polls: PENDING and PROCESSING wait, COMPLETED gives the URL, FAILURE says why', async () => {
    const statuses = [
      { reportId: 'r-1', status: 'PROCESSING', url: null },
      { reportId: 'r-1', status: 'COMPLETED', url: 'https://offline-report-storage-us-east-1-prod.s3.amazonaws.com/r-1.json.gz?X-Amz-Signature=abc' },
      { reportId: 'r-1', status: 'FAILURE', url: null, failureReason: 'Internal error' },
    ];
    server.use(answer('get', `${EU}/reporting/reports/r-1`, () => json(statuses.shift())));
    const c = await ctx();
    expect(await amazonAdsInsights.pollReport(c, 'r-1')).toEqual({ status: 'pending' });
    expect(await amazonAdsInsights.pollReport(c, 'r-1')).toEqual({ status: 'completed', url: expect.stringContaining('r-1.json.gz') });
    expect(await amazonAdsInsights.pollReport(c, 'r-1')).toEqual({ status: 'failed', reason: 'Internal error' });
  });

  it('downloads the gzip JSON without any Ads header or token, and keeps cost exact as spend [AZ7]', async () => {
    const url = 'https://offline-report-storage-us-east-1-prod.s3.amazonaws.com/r-1.json.gz';
    const rows = [
      { date: '2026-11-01', campaignId: 123456789012, campaignName: 'Spring', campaignStatus: 'ENABLED', impressions: 1200, clicks: 31, cost: 12.3, purchases30d: 2, sales30d: 59.98 },
      { date: '2026-11-02', campaignId: 123456789012, impressions: 0, clicks: 0, cost: 0.1, purchases30d: 0, sales30d: 0, campaignBudgetCurrencyCode: 'EUR' },
    ];
    server.use(answer('get', url, () => new HttpResponse(gzipSync(JSON.stringify(rows)), { headers: { 'content-type': 'application/x-gzip' } })));
    const parsed = await amazonAdsInsights.downloadReport(await ctx(), `${url}?X-Amz-Signature=abc`);
    const [request] = await requests();
    expect([...request!.headers.keys()].filter((k) => k === 'authorization' || k.startsWith('amazon-advertising'))).toEqual([]);
    expect(parsed.map(({ raw: _raw, ...r }) => r)).toEqual([
      { campaignId: '123456789012', campaignName: 'Spring', campaignStatus: 'ENABLED', day: '2026-11-01', impressions: 1200, clicks: 31, spend: '12.3', conversions: '2', conversionValue: '59.98', currency: 'GBP' },
      { campaignId: '123456789012', campaignName: null, campaignStatus: null, day: '2026-11-02', impressions: 0, clicks: 0, spend: '0.1', conversions: '0', conversionValue: '0', currency: 'EUR' },
    ]);
  });

  it('a row without its date is refused rather than keyed on a made-up day [airbyte PR 75490]', () => {
    expect(() => parseReportRows([{ campaignId: 1, impressions: 1, cost: 1 }], 'USD')).toThrow(/date/);
  });

  it('a 401 is a ProviderError with its status (the engine refreshes once and retries)', async () => {
    server.use(answer('get', `${EU}/reporting/reports/r-9`, () => json({ code: 'UNAUTHORIZED', details: 'HTTP 401 Unauthorized' }, { status: 401 })));
    const err = await rejectionOf(amazonAdsInsights.pollReport(await ctx(), 'r-9'));
    expect(err.status).toBe(401);
  });
});
