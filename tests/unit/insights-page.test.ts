import { describe, expect, it } from 'vitest';
import { campaignRows, sortCampaigns } from '@/components/insights/campaign-rows';
import { chartMetrics } from '@/components/insights/daily-chart';
import { ratio, sumDecimals } from '@/components/insights/decimal-sum';
import { freshnessOf } from '@/components/insights/freshness';
import { csvFilename, shownCsv } from '@/components/insights/insights-csv';
import { computeKpis, dailySeries, spendKey, type InsightsRow } from '@/components/insights/insights-math';
import { insightsApiUrl, insightsHref, parseInsightsView, shownRows } from '@/components/insights/insights-query';

const row = (over: Partial<InsightsRow>): InsightsRow => ({
  provider: 'meta',
  connection_id: '00000000-0000-4000-8000-000000000001',
  account_id: 'act_1',
  campaign_id: 'c1',
  campaign_name: 'Spring',
  day: '2026-11-01',
  impressions: '1000',
  clicks: '10',
  spend: '0.10',
  conversions: '1',
  conversion_value: '5.00',
  currency: 'EUR',
  ...over,
});

describe('decimal sums', () => {
  it('adds exactly where floats drift, at the widest scale, and keeps "no figure" apart from zero', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(Array.from({ length: 1000 }, () => '0.01'))).toBe('10.00');
    expect(sumDecimals(['1', '2.5', '0.125'])).toBe('3.625');
    expect(sumDecimals(['-1.50', '0.25'])).toBe('-1.25');
    expect(sumDecimals(['99999999999999999.99', '0.01'])).toBe('100000000000000000.00');
    expect(sumDecimals([null, undefined])).toBeNull();
    expect(sumDecimals([null, '0'])).toBe('0');
    expect(() => sumDecimals(['1e3'])).toThrow(TypeError);
    expect(ratio('10', '0')).toBeNull();
    expect(ratio(null, '4')).toBeNull();
    expect(ratio('1', '4')).toBe(0.25);
  });
});

describe('KPIs', () => {
  const rows = [
    row({ currency: 'EUR', spend: '10.10', clicks: '20', impressions: '1000', conversions: '2' }),
    row({ currency: 'EUR', spend: '0.20', clicks: '5', impressions: '500', conversions: null, day: '2026-11-02' }),
    row({ provider: 'amazon-ads', account_id: '42', currency: 'JPY', spend: '3000', clicks: '30', impressions: '2000', conversions: '0' }),
    // X organic posts: impressions only.
    row({ provider: 'x', account_id: '99', campaign_id: 'organic', currency: null, spend: null, clicks: null, impressions: '7000', conversions: null, conversion_value: null }),
  ];

  it('never adds money across currencies; CPC and cost per conversion are per currency', () => {
    const k = computeKpis(rows);
    expect(k.byCurrency.map((c) => [c.currency, c.spend, c.clicks, c.conversions])).toEqual([
      ['EUR', '10.30', '25', '2'],
      ['JPY', '3000', '30', '0'],
    ]);
    expect(k.byCurrency[0]!.cpc).toBeCloseTo(10.3 / 25);
    expect(k.byCurrency[0]!.costPerConversion).toBeCloseTo(5.15);
    // No conversion: no cost per conversion (not a division by zero).
    expect(k.byCurrency[1]!.costPerConversion).toBeNull();
  });

  it('counts are summed whole; CTR leaves out organic impressions, which are reported apart', () => {
    const k = computeKpis(rows);
    expect(k).toMatchObject({ impressions: '10500', organicImpressions: '7000', clicks: '55', conversions: '2' });
    expect(k.ctr).toBeCloseTo(55 / 3500);
    expect(computeKpis([])).toEqual({ impressions: '0', organicImpressions: '0', clicks: null, conversions: null, ctr: null, byCurrency: [] });
    // Only organic rows: no clicks, no CTR, no money.
    expect(computeKpis([rows[3]!])).toMatchObject({ clicks: null, ctr: null, byCurrency: [] });
  });

  it('the daily series has every day of the range, zero where nothing was reported, spend per currency', () => {
    const series = dailySeries(rows, '2026-10-31', '2026-11-02');
    expect(series.map((p) => p.day)).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    expect(series[0]).toEqual({ day: '2026-10-31', clicks: 0, impressions: 0, [spendKey('EUR')]: 0, [spendKey('JPY')]: 0 });
    expect(series[1]).toMatchObject({ clicks: 50, impressions: 10000, spendEUR: 10.1, spendJPY: 3000 });
    expect(series[2]).toMatchObject({ clicks: 5, spendEUR: 0.2, spendJPY: 0 });
  });
});

describe('top campaigns', () => {
  const rows = [
    row({ campaign_id: 'a', campaign_name: 'Alpha', spend: '5.00', clicks: '50', currency: 'USD' }),
    row({ campaign_id: 'a', campaign_name: 'Alpha', spend: '1.00', clicks: '10', currency: 'USD', day: '2026-11-02' }),
    row({ campaign_id: 'b', campaign_name: 'Beta', spend: '9.00', clicks: '5', currency: 'USD' }),
    row({ account_id: 'jp', campaign_id: 'c', campaign_name: 'Gamma', spend: '5000', clicks: '100', currency: 'JPY' }),
    row({ provider: 'x', account_id: 'x1', campaign_id: 'organic', campaign_name: null, spend: null, clicks: null, currency: null, impressions: '5' }),
  ];

  it('one row per campaign over the range, its name or else its id', () => {
    const table = campaignRows(rows);
    expect(table.map((r) => [r.name, r.spend, r.clicks])).toEqual([
      ['Alpha', '6.00', '60'],
      ['Beta', '9.00', '5'],
      ['Gamma', '5000', '100'],
      ['organic', null, null],
    ]);
    expect(table[0]!.cpc).toBeCloseTo(0.1);
  });

  it('sorts by any column both ways; money within its currency; missing figures last', () => {
    const table = campaignRows(rows);
    const names = (key: Parameters<typeof sortCampaigns>[1], dir: 'asc' | 'desc') => sortCampaigns(table, key, dir).map((r) => r.name);
    expect(names('clicks', 'desc')).toEqual(['Gamma', 'Alpha', 'Beta', 'organic']);
    expect(names('clicks', 'asc')).toEqual(['Beta', 'Alpha', 'Gamma', 'organic']);
    expect(names('spend', 'desc')).toEqual(['Gamma', 'Beta', 'Alpha', 'organic']);
    expect(names('name', 'desc')).toEqual(['organic', 'Gamma', 'Beta', 'Alpha']);
  });
});

describe('the view in the URL, the API request, and the CSV of what is shown', () => {
  const today = '2026-12-03';

  it('presets end today; custom days must be real and in order; filters are kept', () => {
    expect(parseInsightsView({}, today)).toEqual({ range: 30, from: '2026-11-04', to: today, platform: null, account: null, campaign: null });
    expect(parseInsightsView({ range: '7' }, today)).toMatchObject({ range: 7, from: '2026-11-27', to: today });
    expect(parseInsightsView({ from: '2026-10-01', to: '2026-10-31', platform: 'x' }, today)).toMatchObject({
      range: 'custom',
      from: '2026-10-01',
      platform: 'x',
    });
    for (const bad of [{ from: '2026-02-30', to: '2026-03-01' }, { from: '2026-10-31', to: '2026-10-01' }, { range: '365' }]) {
      expect(parseInsightsView(bad, today)).toMatchObject({ range: 30 });
    }
    expect(parseInsightsView({ platform: 'tiktok' }, today).platform).toBeNull();
  });

  it('round-trips through its own URL and asks the API for the platform and account', () => {
    const view = parseInsightsView({ from: '2026-10-01', to: '2026-10-31', platform: 'meta', account: 'act_1', campaign: 'c9' }, today);
    expect(parseInsightsView(Object.fromEntries(new URL(insightsHref(view), 'http://x').searchParams), today)).toEqual(view);
    expect(insightsHref(parseInsightsView({}, today))).toBe('/insights');
    const api = new URL(insightsApiUrl(view), 'http://x');
    expect(api.pathname).toBe('/api/v1/analytics/insights');
    expect(Object.fromEntries(api.searchParams)).toEqual({ from: '2026-10-01', to: '2026-10-31', granularity: 'day', provider: 'meta', account: 'act_1' });
  });

  it('the CSV has exactly the shown rows (the campaign filter applied) and sums to the tiles', () => {
    const rows = [row({ campaign_id: 'c1', spend: '1.10' }), row({ campaign_id: 'c2', spend: '2.20' }), row({ campaign_id: 'c1', day: '2026-11-02', spend: '=1+1' })];
    const shown = shownRows(rows, { campaign: 'c1' });
    const lines = shownCsv(shown).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('day,provider,connection_id,account_id,campaign_id,campaign_name,currency,impressions,clicks,spend,conversions,conversion_value');
    expect(lines.slice(1).every((l) => l.split(',')[4] === 'c1')).toBe(true);
    // Provider text that a spreadsheet would run stays text.
    expect(lines[2]).toContain(",'=1+1,");
    expect(shownRows(rows, { campaign: null })).toHaveLength(3);
    expect(csvFilename({ from: '2026-10-01', to: '2026-10-31', platform: 'meta', campaign: 'a/b' })).toBe('insights-2026-10-01-2026-10-31-meta-campaign-a_b.csv');
  });
});

describe('the freshness note', () => {
  const lookback = { 'amazon-ads': 3, linkedin: 7, meta: 28, x: 7 } as const;

  it('names the longest restatement window among the platforms shown, while the range reaches into it', () => {
    expect(freshnessOf(['meta', 'linkedin', 'x'], lookback, { to: '2026-12-03' }, '2026-12-03')).toEqual({
      days: 28,
      detail: 'Meta 28, LinkedIn 7, X 7',
    });
    expect(freshnessOf(['amazon-ads'], lookback, { to: '2026-12-03' }, '2026-12-03')).toEqual({ days: 3, detail: null });
    // The last 3 days are Dec 1–3: a range ending Nov 30 is settled.
    expect(freshnessOf(['amazon-ads'], lookback, { to: '2026-12-01' }, '2026-12-03')).toEqual({ days: 3, detail: null });
    expect(freshnessOf(['amazon-ads'], lookback, { to: '2026-11-30' }, '2026-12-03')).toBeNull();
    expect(freshnessOf([], lookback, { to: '2026-12-03' }, '2026-12-03')).toBeNull();
    expect(freshnessOf(['x'], { ...lookback, x: 0 }, { to: '2026-12-03' }, '2026-12-03')).toBeNull();
  });
});

describe('the chart’s metric switch', () => {
  it('offers spend once per currency, clicks only where some row has them, and impressions', () => {
    expect(chartMetrics(['EUR', 'USD'], true).map((m) => m.label)).toEqual(['Spend (EUR)', 'Spend (USD)', 'Clicks', 'Impressions']);
    expect(chartMetrics(['GBP'], true).map((m) => [m.key, m.label, m.currency])[0]).toEqual(['spendGBP', 'Spend', 'GBP']);
    // X alone: organic impressions, nothing else to draw.
    expect(chartMetrics([], false).map((m) => m.key)).toEqual(['impressions']);
  });
});
