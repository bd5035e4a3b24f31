import type { InsightsRow } from '@/lib/api-schemas/analytics';
import { ratio, sumDecimals } from './decimal-sum';

/**
 * What the /insights page computes from the API's daily rows, in one place so the tiles, the chart,
 * the table and the CSV all come from the same rows. Money is never added across currencies:
 * spend, CPC and cost per conversion are per currency; counts are currency-free and summed whole.
 */

/**
 * One row of `GET /api/v1/analytics/insights` (granularity=day): figures as exact text, null where
 * the provider has none. A type-only import: erased from the bundle, so the server-only module
 * never reaches the browser.
 */
export type { InsightsRow };

export interface CurrencyKpis {
  currency: string;
  spend: string;
  clicks: string | null;
  conversions: string | null;
  /** Spend per click in this currency. */
  cpc: number | null;
  /** Spend per conversion in this currency. */
  costPerConversion: number | null;
}

export interface Kpis {
  impressions: string;
  /** Impressions of organic posts (X): rows with neither clicks nor a currency. */
  organicImpressions: string;
  clicks: string | null;
  conversions: string | null;
  /** Clicks over the impressions of rows that report clicks: organic impressions would dilute it. */
  ctr: number | null;
  byCurrency: CurrencyKpis[];
}

const isOrganic = (r: InsightsRow) => r.clicks === null && r.currency === null;

export function computeKpis(rows: readonly InsightsRow[]): Kpis {
  const clickRows = rows.filter((r) => r.clicks !== null);
  const clicks = sumDecimals(clickRows.map((r) => r.clicks));
  const currencies = [...new Set(rows.map((r) => r.currency).filter((c): c is string => c !== null))].sort();
  return {
    impressions: sumDecimals(rows.map((r) => r.impressions)) ?? '0',
    organicImpressions: sumDecimals(rows.filter(isOrganic).map((r) => r.impressions)) ?? '0',
    clicks,
    conversions: sumDecimals(rows.map((r) => r.conversions)),
    ctr: ratio(clicks, sumDecimals(clickRows.map((r) => r.impressions))),
    byCurrency: currencies.map((currency) => {
      const inCurrency = rows.filter((r) => r.currency === currency);
      const spend = sumDecimals(inCurrency.map((r) => r.spend)) ?? '0';
      const currencyClicks = sumDecimals(inCurrency.map((r) => r.clicks));
      const conversions = sumDecimals(inCurrency.map((r) => r.conversions));
      return {
        currency,
        spend,
        clicks: currencyClicks,
        conversions,
        cpc: ratio(spend, currencyClicks),
        costPerConversion: ratio(spend, conversions),
      };
    }),
  };
}

/** Every day of the range, both ends included (YYYY-MM-DD, UTC arithmetic). */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export type ChartMetric = 'spend' | 'clicks' | 'impressions';

/** The chart's series key for spend in one currency (a CSS custom property name, so letters only). */
export const spendKey = (currency: string) => `spend${currency.replace(/[^A-Za-z0-9]/g, '')}`;

export interface DailyPoint {
  day: string;
  [series: string]: string | number;
}

/**
 * One point per day of the range (days without rows are zero, so gaps show as such): clicks,
 * impressions, and spend per currency under `spendKey(currency)`.
 */
export function dailySeries(rows: readonly InsightsRow[], from: string, to: string): DailyPoint[] {
  const currencies = [...new Set(rows.map((r) => r.currency).filter((c): c is string => c !== null))];
  const byDay = new Map<string, InsightsRow[]>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  return daysOf(from, to).map((day) => {
    const dayRows = byDay.get(day) ?? [];
    const point: DailyPoint = {
      day,
      clicks: Number(sumDecimals(dayRows.map((r) => r.clicks)) ?? 0),
      impressions: Number(sumDecimals(dayRows.map((r) => r.impressions)) ?? 0),
    };
    for (const c of currencies) point[spendKey(c)] = Number(sumDecimals(dayRows.filter((r) => r.currency === c).map((r) => r.spend)) ?? 0);
    return point;
  });
}
