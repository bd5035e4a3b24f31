import 'server-only';
import { z } from 'zod';
import { invalidResponseError } from '../../oauth/errors';
import { toDecimalString } from '../../insights/decimal';
import type { ChunkResult, FetchContext, SyncFetcher } from '../../insights/fetcher';
import { requestJson, type InsightRequest } from '../../insights/http';
import type { DayRange, InsightRow } from '../../insights/types';
import { isMetaDefinition, type MetaDefinition } from './definition';
import { buildGraphRequest } from './graph';
import type { ProviderCredentials } from '../types';

/**
 * Meta ad insights (providers.md §4 "Insights"): `/act_<id>/insights`, `level=campaign`,
 * `time_increment=1`, cursor paging. Every metric is a **string**; clicks are
 * `inline_link_clicks` and conversions the `purchase` action in the account's default
 * attribution window (insights.md). The usage headers say when to pause [M5].
 */

export const INSIGHT_FIELDS = [
  'campaign_id',
  'campaign_name',
  'account_currency',
  'impressions',
  'clicks',
  'inline_link_clicks',
  'spend',
  'actions',
  'action_values',
] as const;
export const PAGE_LIMIT = '500';
export const MAX_PAGES = 200;
/** The action type counted as a conversion. */
export const CONVERSION_ACTION = 'purchase';

/** The report's parameters: the same for the paged read and an async report run. */
export const insightParams = (chunk: DayRange): Record<string, string> => ({
  level: 'campaign',
  fields: INSIGHT_FIELDS.join(','),
  time_range: JSON.stringify({ since: chunk.from, until: chunk.to }),
  time_increment: '1',
});

export const actId = (accountId: string) => (accountId.startsWith('act_') ? accountId : `act_${accountId}`);

export function buildInsightsRequest(
  definition: Pick<MetaDefinition, 'graphUrl' | 'appSecretProof'>,
  credentials: Pick<ProviderCredentials, 'clientSecret'>,
  accountId: string,
  chunk: DayRange,
  accessToken: string,
  after?: string,
): InsightRequest {
  // The token travels in the Authorization header, never in the URL (see meta-graph.ts).
  const { url, headers } = buildGraphRequest({ definition, credentials }, definition.graphUrl(`${actId(accountId)}/insights`), accessToken, {
    ...insightParams(chunk),
    limit: PAGE_LIMIT,
    ...(after ? { after } : {}),
  });
  return { method: 'GET', url, headers };
}

const numeric = z.string().regex(/^-?\d+(\.\d+)?$/);
const Action = z.object({ action_type: z.string(), value: numeric });
const InsightElement = z
  .object({
    campaign_id: z.string().min(1),
    campaign_name: z.string().optional(),
    account_currency: z.string().optional(),
    impressions: numeric.optional(),
    clicks: numeric.optional(),
    inline_link_clicks: numeric.optional(),
    spend: numeric.optional(),
    actions: z.array(Action).optional(),
    action_values: z.array(Action).optional(),
    date_start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    date_stop: z.string(),
  })
  .catchall(z.unknown());
export const InsightsPage = z.object({
  data: z.array(InsightElement),
  paging: z.object({ cursors: z.object({ after: z.string() }).partial().optional(), next: z.string().optional() }).optional(),
});

const actionValue = (list: z.infer<typeof Action>[] | undefined) => {
  const found = list?.find((a) => a.action_type === CONVERSION_ACTION);
  return found ? toDecimalString(found.value) : null;
};

export function parseInsightsPage(page: z.infer<typeof InsightsPage>, currency: string | null): InsightRow[] {
  return page.data.map((e) => {
    const clicks = e.inline_link_clicks ?? e.clicks;
    return {
      campaignId: e.campaign_id,
      campaignName: e.campaign_name ?? null,
      day: e.date_start,
      impressions: e.impressions === undefined ? 0 : Number(e.impressions),
      clicks: clicks === undefined ? 0 : Number(clicks),
      spend: e.spend === undefined ? '0' : toDecimalString(e.spend),
      conversions: actionValue(e.actions),
      conversionValue: actionValue(e.action_values),
      currency: e.account_currency ?? currency,
      raw: { ...e, attribution: 'meta_default' },
    };
  });
}

const Usage = z.record(z.string(), z.unknown());
const pctFields = ['call_count', 'total_cputime', 'total_time', 'acc_id_util_pct', 'app_id_util_pct'];

/**
 * Seconds to pause when Meta says a limit is near: any usage at 95 % or more in
 * `x-business-use-case-usage`, `x-app-usage`, `x-ad-account-usage`, or the insights throttle at
 * 90 % (insights.md, airbyte #3525); `estimated_time_to_regain_access` (minutes) when given.
 */
export function usagePauseSec(headers: Headers): number | undefined {
  let near = false;
  let regainMin = 0;
  const visit = (value: unknown, threshold: number) => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, threshold));
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    for (const field of pctFields) {
      const pct = Number(record[field]);
      if (Number.isFinite(pct) && pct >= threshold) near = true;
    }
    const regain = Number(record.estimated_time_to_regain_access);
    if (Number.isFinite(regain)) regainMin = Math.max(regainMin, regain);
    for (const nested of Object.values(record)) if (nested && typeof nested === 'object') visit(nested, threshold);
  };
  for (const [name, threshold] of [
    ['x-business-use-case-usage', 95],
    ['x-app-usage', 95],
    ['x-ad-account-usage', 95],
    ['x-fb-ads-insights-throttle', 90],
  ] as const) {
    const header = headers.get(name);
    if (!header) continue;
    try {
      const parsed = Usage.safeParse(JSON.parse(header));
      if (parsed.success) visit(parsed.data, threshold);
    } catch {
      // An unreadable usage header says nothing either way.
    }
  }
  if (!near) return undefined;
  return regainMin > 0 ? regainMin * 60 : 300;
}

export const metaInsights: SyncFetcher = {
  kind: 'sync',
  async fetchChunk(ctx: FetchContext, chunk: DayRange): Promise<ChunkResult> {
    const definition = ctx.provider.definition;
    if (!isMetaDefinition(definition)) throw invalidResponseError(0, [{ path: ['definition'] }]);
    const rows: InsightRow[] = [];
    let after: string | undefined;
    let requests = 0;
    let pauseSec: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const request = buildInsightsRequest(definition, ctx.provider.credentials, ctx.target.accountId, chunk, ctx.accessToken, after);
      const { body, headers } = await requestJson(ctx.provider, request, InsightsPage);
      requests++;
      rows.push(...parseInsightsPage(body, ctx.target.currency));
      const pause = usagePauseSec(headers);
      if (pause !== undefined) pauseSec = Math.max(pauseSec ?? 0, pause);
      after = body.paging?.cursors?.after;
      // Near the limit, the chunk's remaining pages are still read (a chunk is written whole), and
      // the run pauses before its next chunk.
      if (!body.paging?.next || !after) break;
    }
    return { rows, requests, pauseSec };
  },
};
