import { z } from '@/components/zod';
import type { InsightsRow } from './insights-math';

/**
 * The /insights view as URL parameters, so a view can be bookmarked and shared: a preset range
 * (`range=7|30|90`, ending today) or a custom one (`from`, `to`), and the filters. Anything
 * malformed falls back to the default rather than failing the page.
 */

export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_PRESET: RangePreset = 30;
export const PLATFORMS = ['amazon-ads', 'linkedin', 'meta', 'x'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** The most ad accounts the account filter lists (those with figures, by platform and name); the page says when there are more. */
export const INSIGHTS_ACCOUNT_CHOICES = 200;
/** The API's limit on one request (lib/insights/query.ts). */
export const MAX_RANGE_DAYS = 1_200;

export interface InsightsView {
  range: RangePreset | 'custom';
  from: string;
  to: string;
  platform: Platform | null;
  account: string | null;
  campaign: string | null;
}

const DAY_MS = 86_400_000;
// A real calendar day: 2026-02-30 would otherwise roll over to March.
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  });
const id = z.string().min(1).max(200);

export function addDays(d: string, n: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The preset's days, ending today: "last 7 days" is today and the 6 before. */
export function presetRange(preset: RangePreset, today: string): { from: string; to: string } {
  return { from: addDays(today, -(preset - 1)), to: today };
}

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function parseInsightsView(params: Params, today: string): InsightsView {
  const get = (name: string) => first(params[name]);
  const platform = z.enum(PLATFORMS).safeParse(get('platform'));
  const filters = {
    platform: platform.success ? platform.data : null,
    account: id.safeParse(get('account')).data ?? null,
    campaign: id.safeParse(get('campaign')).data ?? null,
  };
  const from = day.safeParse(get('from'));
  const to = day.safeParse(get('to'));
  if (from.success && to.success && from.data <= to.data && (Date.parse(to.data) - Date.parse(from.data)) / DAY_MS < MAX_RANGE_DAYS) {
    return { range: 'custom', from: from.data, to: to.data, ...filters };
  }
  const preset = RANGE_PRESETS.find((p) => String(p) === get('range')) ?? DEFAULT_PRESET;
  return { range: preset, ...presetRange(preset, today), ...filters };
}

/** The page's own URL for a view (presets by name, so a bookmark keeps meaning "the last 30 days"). */
export function insightsHref(view: InsightsView): string {
  const p = new URLSearchParams();
  if (view.range === 'custom') {
    p.set('from', view.from);
    p.set('to', view.to);
  } else if (view.range !== DEFAULT_PRESET) p.set('range', String(view.range));
  if (view.platform) p.set('platform', view.platform);
  if (view.account) p.set('account', view.account);
  if (view.campaign) p.set('campaign', view.campaign);
  const q = p.toString();
  return q ? `/insights?${q}` : '/insights';
}

/**
 * The API request for a view. The campaign filter is applied to the answer instead (shownRows), so
 * the campaign choices stay those of the whole platform and account selection.
 */
export function insightsApiUrl(view: InsightsView): string {
  const p = new URLSearchParams({ from: view.from, to: view.to, granularity: 'day' });
  if (view.platform) p.set('provider', view.platform);
  if (view.account) p.set('account', view.account);
  return `/api/v1/analytics/insights?${p}`;
}

/** Exactly the rows the page shows: the tiles, chart, table and CSV are all made from these. */
export function shownRows(rows: readonly InsightsRow[], view: Pick<InsightsView, 'campaign'>): InsightsRow[] {
  return view.campaign ? rows.filter((r) => r.campaign_id === view.campaign) : [...rows];
}

const nullableText = z.string().nullable();
/**
 * The browser's parser for the row of lib/api-schemas/analytics.ts (that module is server-only, so
 * only its type comes here): typed as that row, so the two cannot drift apart without tsc failing.
 */
const insightsRowSchema: z.ZodType<InsightsRow> = z.object({
  provider: z.string(),
  connection_id: nullableText,
  account_id: z.string(),
  campaign_id: z.string(),
  campaign_name: nullableText,
  day: z.string(),
  impressions: nullableText,
  clicks: nullableText,
  spend: nullableText,
  conversions: nullableText,
  conversion_value: nullableText,
  currency: nullableText,
});
export const insightsResponseSchema = z.object({ rows: z.array(insightsRowSchema) });
