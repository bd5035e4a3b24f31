import { describe, expect, it } from 'vitest';
import { buildAnalyticsRequest, buildCampaignsRequest, linkedInInsights, METRIC_FIELDS, parseAnalytics, splitFields } from '@/lib/providers/linkedin/insights';
import type { SyncTarget } from '@/lib/insights/types';
import { answer, json, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const { server, requests } = setupProviderServer();
const target: SyncTarget = {
  id: 't', userId: 'u', connectionId: 'c', provider: 'linkedin', accountId: '5123456', accountName: 'A', region: null, currency: 'USD', timeZone: 'UTC',
};

describe('LinkedIn adAnalytics (providers.md §2 "Reporting")', () => {
  it('encodes dateRange and the account URN the Rest.li 2.0 way and sends the version headers [LI9][LI10]', async () => {
    const request = buildAnalyticsRequest('202603', '5123456', { from: '2026-01-01', to: '2026-01-31' }, ['dateRange', 'pivotValues', 'clicks'], 'li-at');
    expect(request.url).toBe(
      'https://api.linkedin.com/rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY' +
        '&dateRange=(start:(year:2026,month:1,day:1),end:(year:2026,month:1,day:31))' +
        '&accounts=List(urn%3Ali%3AsponsoredAccount%3A5123456)&fields=dateRange,pivotValues,clicks',
    );
    expect(request.headers).toEqual({ authorization: 'Bearer li-at', 'LinkedIn-Version': '202603', 'X-Restli-Protocol-Version': '2.0.0' });
  });

  it('never asks for more than 20 fields in one request, dateRange and pivotValues included', () => {
    const many = Array.from({ length: 40 }, (_, i) => `metric${i}`);
    const groups = splitFields(many);
    expect(groups.every((g) => g.length <= 20 && g[0] === 'dateRange' && g[1] === 'pivotValues')).toBe(true);
    expect(groups.flatMap((g) => g.slice(2))).toEqual(many);
    expect(() => buildAnalyticsRequest('202603', '1', { from: '2026-01-01', to: '2026-01-01' }, ['dateRange', ...many], 't')).toThrow(/20 fields/);
    expect(splitFields(METRIC_FIELDS)).toHaveLength(1);
  });

  it('parses daily campaign rows: cost strings stay exact, conversions add website conversions and one-click leads', async () => {
    server.use(
      answer('get', 'https://api.linkedin.com/rest/adAnalytics', () =>
        json({
          elements: [
            {
              dateRange: { start: { year: 2026, month: 1, day: 2 }, end: { year: 2026, month: 1, day: 2 } },
              pivotValues: ['urn:li:sponsoredCampaign:987654'],
              impressions: 4210,
              clicks: 37,
              costInLocalCurrency: '123.456789',
              externalWebsiteConversions: 3,
              oneClickLeads: 2,
              conversionValueInLocalCurrency: '450.10',
            },
          ],
          paging: { start: 0, count: 10, links: [] },
        }),
      ),
    );
    const p = await resolveConfigured('linkedin', { LINKEDIN_API_VERSION: '202601' });
    const result = await linkedInInsights.fetchChunk({ provider: p, accessToken: 'li-at', target, now: new Date() }, { from: '2026-01-01', to: '2026-01-31' });
    expect(result.requests).toBe(1);
    expect(result.rows.map(({ raw: _raw, ...r }) => r)).toEqual([
      { campaignId: '987654', day: '2026-01-02', impressions: 4210, clicks: 37, spend: '123.456789', conversions: '5', conversionValue: '450.10', currency: 'USD' },
    ]);
    const [request] = await requests();
    expect(request!.headers.get('linkedin-version')).toBe('202601');
    // The Rest.li structure reached the wire unencoded.
    expect(request!.url.search).toContain('dateRange=(start:(year:2026,month:1,day:1),end:(year:2026,month:1,day:31))');
  });

  it('an empty result (no activity, or no access) is no rows, not an error [LI9]', async () => {
    server.use(answer('get', 'https://api.linkedin.com/rest/adAnalytics', () => json({ elements: [] })));
    const p = await resolveConfigured('linkedin');
    const result = await linkedInInsights.fetchChunk({ provider: p, accessToken: 'li-at', target, now: new Date() }, { from: '2026-01-01', to: '2026-01-31' });
    expect(result.rows).toEqual([]);
  });

  it('with the first chunk it reads the account’s campaigns (adCampaigns search, cursor paging) and names the rows', async () => {
    const element = (campaign: string, day: number) => ({
      dateRange: { start: { year: 2026, month: 1, day }, end: { year: 2026, month: 1, day } },
      pivotValues: [`urn:li:sponsoredCampaign:${campaign}`],
      impressions: 10,
      clicks: 1,
      costInLocalCurrency: '1.00',
    });
    const pages = [
      json({ elements: [{ id: 987654, name: 'Brand awareness', status: 'ACTIVE', account: 'urn:li:sponsoredAccount:5123456' }], metadata: { nextPageToken: 'tok/2' } }),
      json({ elements: [{ id: 987655, name: 'Quiet one', status: 'PAUSED' }], metadata: {} }),
    ];
    server.use(
      answer('get', 'https://api.linkedin.com/rest/adAnalytics', () => json({ elements: [element('987654', 2)] })),
      answer('get', 'https://api.linkedin.com/rest/adAccounts/5123456/adCampaigns', () => pages.shift()!),
    );
    const p = await resolveConfigured('linkedin', { LINKEDIN_API_VERSION: '202601' });
    const ctx = { provider: p, accessToken: 'li-at', target, now: new Date() };
    const first = await linkedInInsights.fetchChunk({ ...ctx, chunkIndex: 0 }, { from: '2026-01-01', to: '2026-01-31' });
    expect(first.requests).toBe(3);
    expect(first.campaigns).toEqual([
      { campaignId: '987654', name: 'Brand awareness', status: 'ACTIVE' },
      // Listed without figures in the window: still stored, so the name is there when figures come.
      { campaignId: '987655', name: 'Quiet one', status: 'PAUSED' },
    ]);
    expect(first.rows.map((r) => [r.campaignId, r.campaignName, r.campaignStatus])).toEqual([['987654', 'Brand awareness', 'ACTIVE']]);
    const sent = await requests();
    const campaignCalls = sent.filter((r) => r.url.pathname.endsWith('/adCampaigns'));
    expect(campaignCalls.map((r) => r.url.search)).toEqual(['?q=search&pageSize=100', '?q=search&pageSize=100&pageToken=tok%2F2']);
    expect(campaignCalls[0]!.headers.get('linkedin-version')).toBe('202601');
    expect(campaignCalls[0]!.headers.get('x-restli-protocol-version')).toBe('2.0.0');
    expect(campaignCalls[0]!.headers.get('authorization')).toBe('Bearer li-at');

    // Later chunks of the same run do not read the list again.
    const later = await linkedInInsights.fetchChunk({ ...ctx, chunkIndex: 1 }, { from: '2026-02-01', to: '2026-02-28' });
    expect(later.requests).toBe(1);
    expect(later.campaigns).toBeUndefined();
  });

  it('builds the campaign search URL for the account', () => {
    expect(buildCampaignsRequest('202603', '42', 't').url).toBe('https://api.linkedin.com/rest/adAccounts/42/adCampaigns?q=search&pageSize=100');
  });

  it('an element with no figures (or null ones) is a zero row with conversions and their value unknown', () => {
    const start = { year: 2026, month: 3, day: 9 };
    const rows = parseAnalytics(
      [{ elements: [{ dateRange: { start }, pivotValues: ['urn:li:sponsoredCampaign:1'], impressions: null, clicks: undefined, externalWebsiteConversions: null }] }],
      'EUR',
    );
    expect(rows.map(({ raw: _raw, ...r }) => r)).toEqual([
      { campaignId: '1', day: '2026-03-09', impressions: 0, clicks: 0, spend: '0', conversions: null, conversionValue: null, currency: 'EUR' },
    ]);
  });

  it('a cost that is not a number is an invalid response, not a row with a made-up spend', () => {
    const element = { dateRange: { start: { year: 2026, month: 3, day: 9 } }, pivotValues: ['urn:li:sponsoredCampaign:1'], costInLocalCurrency: 'n/a' };
    expect(() => parseAnalytics([{ elements: [element] }], 'EUR')).toThrow(
      expect.objectContaining({ code: 'invalid_response', description: 'unexpected response shape at elements' }),
    );
  });

  it('rows of campaigns the search does not list, or lists without name and status, keep both empty', async () => {
    server.use(
      answer('get', 'https://api.linkedin.com/rest/adAnalytics', () =>
        json({
          elements: ['1', '2'].map((id) => ({ dateRange: { start: { year: 2026, month: 1, day: 2 } }, pivotValues: [`urn:li:sponsoredCampaign:${id}`], clicks: 1 })),
        }),
      ),
      answer('get', 'https://api.linkedin.com/rest/adAccounts/5123456/adCampaigns', () => json({ elements: [{ id: 'urn:li:sponsoredCampaign:1' }] })),
    );
    const p = await resolveConfigured('linkedin');
    const result = await linkedInInsights.fetchChunk({ provider: p, accessToken: 'li-at', target, now: new Date(), chunkIndex: 0 }, { from: '2026-01-01', to: '2026-01-31' });
    expect(result.campaigns).toEqual([{ campaignId: '1', name: null, status: null }]);
    expect(result.rows.map((r) => [r.campaignId, r.campaignName, r.campaignStatus])).toEqual([
      ['1', null, null],
      ['2', null, null],
    ]);
  });
});
