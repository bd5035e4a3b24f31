import { ratio, sumDecimals } from './decimal-sum';
import type { InsightsRow } from './insights-math';

/** The top-campaigns table: one row per campaign over the range, and its sort. */

export interface CampaignRow {
  key: string;
  provider: string;
  accountId: string;
  campaignId: string;
  name: string;
  currency: string | null;
  impressions: string;
  clicks: string | null;
  spend: string | null;
  conversions: string | null;
  ctr: number | null;
  cpc: number | null;
  costPerConversion: number | null;
}

export const SORT_KEYS = ['name', 'spend', 'impressions', 'clicks', 'ctr', 'cpc', 'conversions', 'costPerConversion'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';

export function campaignRows(rows: readonly InsightsRow[]): CampaignRow[] {
  const groups = new Map<string, InsightsRow[]>();
  for (const r of rows) {
    // A campaign whose account changed currency would be two rows: never one sum across currencies.
    const key = [r.provider, r.account_id, r.campaign_id, r.currency ?? ''].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const first = group[0]!;
    const clicks = sumDecimals(group.map((r) => r.clicks));
    const spend = sumDecimals(group.map((r) => r.spend));
    const conversions = sumDecimals(group.map((r) => r.conversions));
    const clickImpressions = sumDecimals(group.filter((r) => r.clicks !== null).map((r) => r.impressions));
    return {
      key,
      provider: first.provider,
      accountId: first.account_id,
      campaignId: first.campaign_id,
      name: group.find((r) => r.campaign_name)?.campaign_name ?? first.campaign_id,
      currency: first.currency,
      impressions: sumDecimals(group.map((r) => r.impressions)) ?? '0',
      clicks,
      spend,
      conversions,
      ctr: ratio(clicks, clickImpressions),
      cpc: ratio(spend, clicks),
      costPerConversion: ratio(spend, conversions),
    };
  });
}

function numeric(row: CampaignRow, key: Exclude<SortKey, 'name'>): number | null {
  const v = row[key];
  return v === null ? null : Number(v);
}

/**
 * Sorted by one column. Spend (and the money ratios) sort within each currency first: 1,000 JPY is
 * not more than 100 USD. Missing figures (X has no spend) always go last.
 */
export function sortCampaigns(rows: readonly CampaignRow[], key: SortKey, direction: SortDirection): CampaignRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  const money = key === 'spend' || key === 'cpc' || key === 'costPerConversion';
  return [...rows].sort((a, b) => {
    if (key === 'name') return sign * a.name.localeCompare(b.name) || a.key.localeCompare(b.key);
    const x = numeric(a, key);
    const y = numeric(b, key);
    if (x === null || y === null) return x === y ? a.key.localeCompare(b.key) : x === null ? 1 : -1;
    if (money && a.currency !== b.currency) return (a.currency ?? '').localeCompare(b.currency ?? '');
    return sign * (x - y) || a.key.localeCompare(b.key);
  });
}
