import { describe, expect, it } from 'vitest';
import { buildAnalyticsRequest, linkedInInsights, METRIC_FIELDS, splitFields } from '@/lib/providers/linkedin/insights';
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
});
