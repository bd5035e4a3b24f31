import 'server-only';
import { z } from 'zod';
import { invalidResponseError } from '../../oauth/errors';
import { sumIntegers, toDecimalString } from '../../insights/decimal';
import type { CampaignInfo, ChunkResult, FetchContext, SyncFetcher } from '../../insights/fetcher';
import type { InsightProviderHandle } from '../../insights/http';
import { requestJson, type InsightRequest } from '../../insights/http';
import type { DayRange, InsightRow } from '../../insights/types';
import { isLinkedInDefinition, LINKEDIN_REST_URL } from './definition';

/**
 * LinkedIn ad analytics (providers.md §2 "Reporting"): `q=analytics`, pivot CAMPAIGN, DAILY,
 * Rest.li 2.0 `dateRange` and account URNs, the mandatory `LinkedIn-Version` header. No paging;
 * at most 20 fields per request, `dateRange` and `pivotValues` included (insights.md), so wider
 * field sets are split and merged. Days are UTC.
 */

export const LINKEDIN_FIELD_LIMIT = 20;
const KEY_FIELDS = ['dateRange', 'pivotValues'] as const;
export const METRIC_FIELDS = [
  'impressions',
  'clicks',
  'costInLocalCurrency',
  'externalWebsiteConversions',
  'oneClickLeads',
  'conversionValueInLocalCurrency',
] as const;

/** Field groups of at most LINKEDIN_FIELD_LIMIT, each with the key fields that merge them. */
export function splitFields(metrics: readonly string[], limit = LINKEDIN_FIELD_LIMIT): string[][] {
  const room = limit - KEY_FIELDS.length;
  const groups: string[][] = [];
  for (let i = 0; i < metrics.length; i += room) groups.push([...KEY_FIELDS, ...metrics.slice(i, i + room)]);
  return groups;
}

const restliDate = (day: string) => {
  const [year, month, date] = day.split('-').map(Number);
  return `(year:${year},month:${month},day:${date})`;
};

/** Rest.li 2.0: URNs percent-encoded inside List(...), parentheses, colons and commas left as they are [LI10]. */
export function buildAnalyticsRequest(
  apiVersion: string,
  accountId: string,
  chunk: DayRange,
  fields: readonly string[],
  accessToken: string,
): InsightRequest {
  if (fields.length > LINKEDIN_FIELD_LIMIT) throw new RangeError(`LinkedIn allows at most ${LINKEDIN_FIELD_LIMIT} fields per request`);
  const account = encodeURIComponent(`urn:li:sponsoredAccount:${accountId}`);
  const query = [
    'q=analytics',
    'pivot=CAMPAIGN',
    'timeGranularity=DAILY',
    `dateRange=(start:${restliDate(chunk.from)},end:${restliDate(chunk.to)})`,
    `accounts=List(${account})`,
    `fields=${fields.join(',')}`,
  ].join('&');
  return {
    method: 'GET',
    url: `${LINKEDIN_REST_URL}/adAnalytics?${query}`,
    headers: { authorization: `Bearer ${accessToken}`, 'LinkedIn-Version': apiVersion, 'X-Restli-Protocol-Version': '2.0.0' },
  };
}

const DatePart = z.object({ year: z.number().int(), month: z.number().int(), day: z.number().int() });
const Element = z
  .object({
    dateRange: z.object({ start: DatePart }),
    pivotValues: z.array(z.string()).min(1),
  })
  .catchall(z.unknown());
const AnalyticsResponse = z.object({ elements: z.array(Element) });

const pad = (n: number) => String(n).padStart(2, '0');
const optionalCount = (v: unknown) => (v === undefined || v === null ? null : Number(v));

/** Merges the field groups' elements by (campaign, day) and maps them to rows in the account's currency. */
export function parseAnalytics(responses: z.infer<typeof AnalyticsResponse>[], currency: string | null): InsightRow[] {
  const merged = new Map<string, Record<string, unknown>>();
  for (const response of responses) {
    for (const e of response.elements) {
      const s = e.dateRange.start;
      const day = `${s.year}-${pad(s.month)}-${pad(s.day)}`;
      const campaignUrn = e.pivotValues[0]!;
      const key = `${campaignUrn}|${day}`;
      merged.set(key, { ...merged.get(key), ...e, day, campaignUrn });
    }
  }
  return [...merged.values()].map((e) => {
    const decimal = (v: unknown) => (v === undefined || v === null ? null : toDecimalString(v as string | number));
    try {
      const conversions = [e.externalWebsiteConversions, e.oneClickLeads].filter((v) => v !== undefined && v !== null);
      const { day, campaignUrn, ...raw } = e;
      return {
        campaignId: String(campaignUrn).split(':').pop()!,
        day: String(day),
        impressions: optionalCount(e.impressions) ?? 0,
        clicks: optionalCount(e.clicks) ?? 0,
        spend: decimal(e.costInLocalCurrency) ?? '0',
        conversions: conversions.length ? String(sumIntegers(conversions as (number | string)[])) : null,
        conversionValue: decimal(e.conversionValueInLocalCurrency),
        currency,
        raw: { ...raw, attribution: 'linkedin_external_website_and_one_click_leads' },
      } satisfies InsightRow;
    } catch {
      throw invalidResponseError(200, [{ path: ['elements'] }]);
    }
  });
}

/** Campaigns per page: LinkedIn's search takes up to 1,000; 100 keeps a page small. */
export const CAMPAIGN_PAGE_SIZE = 100;
/** An account with more campaigns than this many pages is read no further (names are a nicety, not figures). */
const MAX_CAMPAIGN_PAGES = 50;

/**
 * The account's campaigns (analytics carry only `urn:li:sponsoredCampaign:<id>`): the versioned
 * Rest.li search `GET /rest/adAccounts/{id}/adCampaigns?q=search`, every status, cursor paging with
 * `pageSize` and `pageToken` (the response's `metadata.nextPageToken`), with the version headers [LI7]. The
 * endpoint's shape is LinkedIn's campaign-management docs; providers.md has no source for it (**unverified**).
 */
export function buildCampaignsRequest(apiVersion: string, accountId: string, accessToken: string, pageToken?: string): InsightRequest {
  const query = ['q=search', `pageSize=${CAMPAIGN_PAGE_SIZE}`, ...(pageToken ? [`pageToken=${encodeURIComponent(pageToken)}`] : [])].join('&');
  return {
    method: 'GET',
    url: `${LINKEDIN_REST_URL}/adAccounts/${encodeURIComponent(accountId)}/adCampaigns?${query}`,
    headers: { authorization: `Bearer ${accessToken}`, 'LinkedIn-Version': apiVersion, 'X-Restli-Protocol-Version': '2.0.0' },
  };
}

const CampaignsPage = z.object({
  elements: z.array(
    z
      .object({
        id: z.union([z.number().int(), z.string().min(1)]).transform(String),
        name: z.string().optional(),
        status: z.string().optional(),
      })
      .catchall(z.unknown()),
  ),
  metadata: z.object({ nextPageToken: z.string().nullish() }).partial().optional(),
});

export async function fetchCampaigns(
  p: InsightProviderHandle,
  apiVersion: string,
  accountId: string,
  accessToken: string,
): Promise<{ campaigns: CampaignInfo[]; requests: number }> {
  const campaigns: CampaignInfo[] = [];
  let pageToken: string | undefined;
  let requests = 0;
  for (let page = 0; page < MAX_CAMPAIGN_PAGES; page++) {
    const { body } = await requestJson(p, buildCampaignsRequest(apiVersion, accountId, accessToken, pageToken), CampaignsPage);
    requests++;
    // URN or bare id alike: the last part (split() always yields one, so pop() has a value).
    campaigns.push(...body.elements.map((c) => ({ campaignId: c.id.split(':').pop()!, name: c.name ?? null, status: c.status ?? null })));
    pageToken = body.metadata?.nextPageToken ?? undefined;
    if (!pageToken || body.elements.length === 0) break;
  }
  return { campaigns, requests };
}

export const linkedInInsights: SyncFetcher = {
  kind: 'sync',
  async fetchChunk(ctx: FetchContext, chunk: DayRange): Promise<ChunkResult> {
    const definition = ctx.provider.definition;
    const apiVersion = isLinkedInDefinition(definition) ? definition.apiVersion : '202603';
    const responses = [];
    for (const fields of splitFields(METRIC_FIELDS)) {
      const request = buildAnalyticsRequest(apiVersion, ctx.target.accountId, chunk, fields, ctx.accessToken);
      responses.push((await requestJson(ctx.provider, request, AnalyticsResponse)).body);
    }
    const rows = parseAnalytics(responses, ctx.target.currency);
    // Names and statuses once per run, with its first chunk (the engine always says which chunk).
    if (ctx.chunkIndex !== 0) return { rows, requests: responses.length };
    const { campaigns, requests } = await fetchCampaigns(ctx.provider, apiVersion, ctx.target.accountId, ctx.accessToken);
    const byId = new Map(campaigns.map((c) => [c.campaignId, c]));
    for (const row of rows) {
      row.campaignName = byId.get(row.campaignId)?.name ?? null;
      row.campaignStatus = byId.get(row.campaignId)?.status ?? null;
    }
    return { rows, requests: responses.length + requests, campaigns };
  },
};
