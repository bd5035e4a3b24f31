import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  amazonAdsInsights,
  buildReportStatusRequest,
  downloadReportFile,
  duplicateReportId,
  parseReportRows,
  parseReportStatus,
} from '@/lib/providers/amazon-ads/insights';
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
    expect(await amazonAdsInsights.createReport(await ctx(), { from: '2026-11-01', to: '2026-11-30' })).toStrictEqual({ reportId: 'r-1' }); // Amazon never advises a pause
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
    expect(await amazonAdsInsights.createReport(await ctx(), { from: '2026-11-01', to: '2026-11-02' })).toStrictEqual({ reportId: '0b5e7c1a-1111-2222-3333-444455556666' });
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
    const { rows: parsed, ...rest } = await amazonAdsInsights.downloadReport(await ctx(), `${url}?X-Amz-Signature=abc`);
    expect(rest).toStrictEqual({});
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

  it('a profile without a region (or with an unknown one) is asked on the North America host', () => {
    const credentials = { clientId: 'amzn1.application-oa2-client.abc' };
    expect(buildReportStatusRequest(credentials, { accountId: '1', region: null }, 'r 1/2', 'tok').url).toBe(
      'https://advertising-api.amazon.com/reporting/reports/r%201%2F2',
    );
    expect(buildReportStatusRequest(credentials, { accountId: '1', region: 'mars' as never }, 'r', 'tok').url).toBe(
      'https://advertising-api.amazon.com/reporting/reports/r',
    );
  });

  it('a COMPLETED report without its URL is an invalid response, not a download of nothing', () => {
    expect(() => parseReportStatus({ reportId: 'r', status: 'COMPLETED', url: null })).toThrow(
      expect.objectContaining({ code: 'invalid_response', kind: 'transient', description: 'unexpected response shape at url' }),
    );
  });

  it('FAILED (v3 spelling) fails the report too, with a reason even when Amazon gives none', () => {
    expect(parseReportStatus({ reportId: 'r', status: 'FAILED' })).toEqual({ status: 'failed', reason: 'the report failed at Amazon' });
  });

  it('a 425 names its duplicate in `detail` too; a 425 without a readable id is no duplicate', () => {
    expect(duplicateReportId(425, { detail: 'duplicate of: abc-123' })).toBe('abc-123');
    expect(duplicateReportId(425, { code: '425' })).toBeUndefined();
    expect(duplicateReportId(425, 'not json')).toBeUndefined();
    expect(duplicateReportId(400, { details: 'duplicate of: abc-123' })).toBeUndefined();
  });

  it('a report file that is not a list of rows is refused as an invalid response', () => {
    expect(() => parseReportRows({ rows: [] }, 'USD')).toThrow(expect.objectContaining({ code: 'invalid_response' }));
  });

  it('a row with only its key counts zero and spends nothing, in the profile’s currency, with no conversions known', () => {
    const [row] = parseReportRows([{ date: '2026-11-03', campaignId: '42', purchases30d: null }], 'JPY');
    expect(row).toMatchObject({
      campaignId: '42', campaignName: null, campaignStatus: null, day: '2026-11-03', impressions: 0, clicks: 0, spend: '0', conversions: null, conversionValue: null, currency: 'JPY',
    });
    expect(row!.raw).toMatchObject({ attribution: 'amazon_30d_click' });
  });

  it('a cost that is not a decimal is refused with the row and field it came from', () => {
    expect(() => parseReportRows([{ date: '2026-11-03', campaignId: 1 }, { date: '2026-11-03', campaignId: 2, cost: 'lots' }], 'USD')).toThrow(
      expect.objectContaining({ description: 'unexpected response shape at 1.cost' }),
    );
  });

  it('an expired pre-signed URL (403) is a transient http_403; plain JSON is read; garbage is invalid_response', async () => {
    const fetchWith = (body: string, status = 200) => (async () => new Response(body, { status })) as unknown as typeof fetch;
    await expect(downloadReportFile(fetchWith('<Error>AccessDenied</Error>', 403), 'https://s3/x')).rejects.toMatchObject({
      code: 'http_403', status: 403, kind: 'transient',
    });
    await expect(downloadReportFile(fetchWith('[{"date":"2026-11-01"}]'), 'https://s3/x')).resolves.toEqual([{ date: '2026-11-01' }]);
    await expect(downloadReportFile(fetchWith('PK\u0003\u0004 not json'), 'https://s3/x')).rejects.toMatchObject({
      code: 'invalid_response', description: 'the report file is not gzip JSON',
    });
  });

  it('a download that cannot connect is a network error, not a crash', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(downloadReportFile(failing, 'https://s3/x')).rejects.toMatchObject({ code: 'network', description: 'connection failed', kind: 'transient' });
  });
});
