import { describe, expect, it } from 'vitest';
import { isMetaDefinition } from '@/lib/providers/meta/definition';
import { buildInsightsRequest, metaInsights, parseInsightsPage, usagePauseSec } from '@/lib/providers/meta/insights';
import type { SyncTarget } from '@/lib/insights/types';
import { answer, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const { server, requests } = setupProviderServer();
const target: SyncTarget = {
  id: 't', userId: 'u', connectionId: 'c', provider: 'meta', accountId: 'act_42', accountName: 'A', region: null, currency: 'EUR', timeZone: 'Europe/Madrid',
};
const URL_ = 'https://graph.facebook.com/v22.0/act_42/insights';
const element = (day: string, spend: string) => ({
  campaign_id: '23850000000000001',
  campaign_name: 'Always on',
  impressions: '361324',
  clicks: '900',
  inline_link_clicks: '812',
  spend,
  actions: [{ action_type: 'link_click', value: '812' }, { action_type: 'purchase', value: '7' }],
  action_values: [{ action_type: 'purchase', value: '349.93' }],
  date_start: day,
  date_stop: day,
});

describe('Meta ad insights (providers.md §4 "Insights")', () => {
  it('asks for campaign-level daily insights and follows the after cursor; strings stay exact [M9]', async () => {
    const pages = [
      json({ data: [element('2026-01-01', '5339.50')], paging: { cursors: { before: 'b', after: 'c1' }, next: 'https://graph.facebook.com/…' } }),
      json({ data: [element('2026-01-02', '0.01')], paging: { cursors: { before: 'c1', after: 'c2' } } }),
    ];
    server.use(answer('get', URL_, () => pages.shift()!));
    const p = await resolveConfigured('meta');
    const result = await metaInsights.fetchChunk({ provider: p, accessToken: 'EAAtoken', target, now: new Date() }, { from: '2026-01-01', to: '2026-01-31' });
    const [first, second] = await requests();
    expect(Object.fromEntries(first!.url.searchParams)).toMatchObject({
      level: 'campaign',
      time_increment: '1',
      time_range: '{"since":"2026-01-01","until":"2026-01-31"}',
    });
    // The token travels in the Authorization header, never in the URL (issue 8 item 19).
    expect(first!.url.searchParams.has('access_token')).toBe(false);
    expect(first!.headers.get('authorization')).toBe('Bearer EAAtoken');
    expect(first!.url.searchParams.has('appsecret_proof')).toBe(false); // only with META_APP_SECRET_PROOF=on
    expect(first!.url.searchParams.has('after')).toBe(false);
    expect(second!.url.searchParams.get('after')).toBe('c1');
    expect(result.requests).toBe(2);
    expect(result.pauseSec).toBeUndefined();
    expect(result.rows.map(({ raw: _raw, ...r }) => r)).toEqual([
      { campaignId: '23850000000000001', campaignName: 'Always on', day: '2026-01-01', impressions: 361324, clicks: 812, spend: '5339.50', conversions: '7', conversionValue: '349.93', currency: 'EUR' },
      { campaignId: '23850000000000001', campaignName: 'Always on', day: '2026-01-02', impressions: 361324, clicks: 812, spend: '0.01', conversions: '7', conversionValue: '349.93', currency: 'EUR' },
    ]);
  });

  it('a number where Meta sends strings is refused (the schema is the contract)', async () => {
    server.use(answer('get', URL_, () => json({ data: [{ ...element('2026-01-01', '1'), spend: 12.5 }] })));
    const p = await resolveConfigured('meta');
    const err = await rejectionOf(metaInsights.fetchChunk({ provider: p, accessToken: 'EAAtoken', target, now: new Date() }, { from: '2026-01-01', to: '2026-01-01' }));
    expect(err.code).toBe('invalid_response');
  });

  it('pauses when a usage header is near its limit, for estimated_time_to_regain_access when given [M5]', () => {
    const headers = (name: string, value: unknown) => new Headers({ [name]: JSON.stringify(value) });
    expect(usagePauseSec(headers('x-business-use-case-usage', { '42': [{ type: 'ads_insights', call_count: 96, total_time: 10, estimated_time_to_regain_access: 7 }] }))).toBe(420);
    expect(usagePauseSec(headers('x-ad-account-usage', { acc_id_util_pct: 99 }))).toBe(300);
    expect(usagePauseSec(headers('x-fb-ads-insights-throttle', { app_id_util_pct: 91, acc_id_util_pct: 5 }))).toBe(300);
    expect(usagePauseSec(headers('x-fb-ads-insights-throttle', { app_id_util_pct: 89, acc_id_util_pct: 5 }))).toBeUndefined();
    expect(usagePauseSec(headers('x-app-usage', { call_count: 94, total_time: 12, total_cputime: 3 }))).toBeUndefined();
    expect(usagePauseSec(new Headers({ 'x-app-usage': 'not json' }))).toBeUndefined();
  });

  it('an account id without its act_ prefix is asked for as act_<id>', async () => {
    const p = await resolveConfigured('meta');
    if (!isMetaDefinition(p.definition)) throw new Error('not Meta');
    const definition = p.definition;
    const request = buildInsightsRequest(definition, p.credentials, '42', { from: '2026-01-01', to: '2026-01-01' }, 'EAAtoken');
    expect(new URL(request.url).pathname).toBe('/v22.0/act_42/insights');
  });

  it('a row Meta sends bare counts zero, spends nothing, knows no conversions, and takes the account’s currency', () => {
    const rows = parseInsightsPage({ data: [{ campaign_id: '9', date_start: '2026-01-05', date_stop: '2026-01-05' }] }, 'EUR');
    expect(rows.map(({ raw: _raw, ...r }) => r)).toEqual([
      { campaignId: '9', campaignName: null, day: '2026-01-05', impressions: 0, clicks: 0, spend: '0', conversions: null, conversionValue: null, currency: 'EUR' },
    ]);
    // Without link clicks, all clicks count; the row's own currency wins over the account's.
    const [row] = parseInsightsPage({ data: [{ campaign_id: '9', clicks: '5', account_currency: 'USD', date_start: '2026-01-05', date_stop: '2026-01-05' }] }, 'EUR');
    expect([row!.clicks, row!.currency]).toEqual([5, 'USD']);
  });

  it('null entries in a usage header are skipped, a near limit beside them still pauses', () => {
    expect(usagePauseSec(new Headers({ 'x-business-use-case-usage': JSON.stringify({ '42': [null, { call_count: 100 }] }) }))).toBe(300);
  });

  it('the longest pause any page of the chunk asks for is the one the run takes', async () => {
    const usage = (minutes: number) => ({ 'x-business-use-case-usage': JSON.stringify({ '42': [{ call_count: 99, estimated_time_to_regain_access: minutes }] }) });
    const pages = [
      json({ data: [element('2026-01-01', '1.00')], paging: { cursors: { after: 'c1' }, next: 'https://graph.facebook.com/next' } }, { headers: usage(9) }),
      json({ data: [element('2026-01-02', '2.00')] }, { headers: usage(2) }),
    ];
    server.use(answer('get', URL_, () => pages.shift()!));
    const p = await resolveConfigured('meta');
    const result = await metaInsights.fetchChunk({ provider: p, accessToken: 'EAAtoken', target, now: new Date() }, { from: '2026-01-01', to: '2026-01-02' });
    expect(result.requests).toBe(2);
    expect(result.pauseSec).toBe(540);
  });

  it('refuses to read Meta insights through a provider that is not Meta', async () => {
    const p = await resolveConfigured('linkedin');
    const err = await rejectionOf(metaInsights.fetchChunk({ provider: p, accessToken: 't', target, now: new Date() }, { from: '2026-01-01', to: '2026-01-01' }));
    expect(err.code).toBe('invalid_response');
    expect((await requests()).length).toBe(0);
  });
});
