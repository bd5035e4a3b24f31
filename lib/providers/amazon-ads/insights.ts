import 'server-only';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { invalidResponseError } from '../../oauth/errors';
import { networkError, processJsonResponse, sendProviderRequest } from '../../oauth/http';
import { toDecimalString } from '../../insights/decimal';
import type { CreatedReport, FetchContext, ReportFetcher, ReportRows, ReportStatus } from '../../insights/fetcher';
import { requestJson, type InsightRequest } from '../../insights/http';
import type { DayRange, InsightRow, SyncTarget } from '../../insights/types';
import { ProviderError, type Region } from '../types';
import { AMAZON_ADS_API_URLS } from './definition';

/**
 * Amazon Ads reporting v3, asynchronous (providers.md §1 "Reporting"): create a DAILY
 * spCampaigns report (≤ 31 days), poll it, download the gzip JSON from the pre-signed URL
 * without the Ads headers, parse. `cost` is spend; conversions are 30-day click attribution.
 */

export const CREATE_REPORT_CONTENT_TYPE = 'application/vnd.createasyncreportrequest.v3+json';

export const REPORT_COLUMNS = [
  'date',
  'campaignId',
  'campaignName',
  'campaignStatus',
  'campaignBudgetCurrencyCode',
  'impressions',
  'clicks',
  'cost',
  'purchases30d',
  'sales30d',
] as const;

type Credentials = { clientId: string };

function adsHeaders(credentials: Credentials, target: Pick<SyncTarget, 'accountId'>, accessToken: string): Record<string, string> {
  return {
    authorization: `Bearer ${accessToken}`,
    // The approved client id and the profile as scope go on every Ads call [AZ4][AZ5].
    'Amazon-Advertising-API-ClientId': credentials.clientId,
    'Amazon-Advertising-API-Scope': target.accountId,
  };
}

function apiHost(target: Pick<SyncTarget, 'region'>): string {
  return AMAZON_ADS_API_URLS[(target.region ?? 'na') as Region] ?? AMAZON_ADS_API_URLS.na;
}

export function buildCreateReportRequest(
  credentials: Credentials,
  target: Pick<SyncTarget, 'accountId' | 'region'>,
  chunk: DayRange,
  accessToken: string,
): InsightRequest {
  return {
    method: 'POST',
    url: `${apiHost(target)}/reporting/reports`,
    headers: { ...adsHeaders(credentials, target, accessToken), 'content-type': CREATE_REPORT_CONTENT_TYPE },
    body: JSON.stringify({
      name: `Grantkeeper ${target.accountId} ${chunk.from}..${chunk.to}`,
      startDate: chunk.from,
      endDate: chunk.to,
      configuration: {
        adProduct: 'SPONSORED_PRODUCTS',
        groupBy: ['campaign'],
        columns: REPORT_COLUMNS,
        reportTypeId: 'spCampaigns',
        // DAILY reports need the `date` column, and rows are keyed on it [AZ7] (a synthetic key lost Airbyte users data).
        timeUnit: 'DAILY',
        format: 'GZIP_JSON',
      },
    }),
  };
}

export function buildReportStatusRequest(
  credentials: Credentials,
  target: Pick<SyncTarget, 'accountId' | 'region'>,
  reportId: string,
  accessToken: string,
): InsightRequest {
  return {
    method: 'GET',
    url: `${apiHost(target)}/reporting/reports/${encodeURIComponent(reportId)}`,
    headers: adsHeaders(credentials, target, accessToken),
  };
}

const ReportResponse = z.object({
  reportId: z.string().min(1),
  status: z.string(),
  url: z.string().nullish(),
  failureReason: z.string().nullish(),
});

export function parseReportStatus(body: z.infer<typeof ReportResponse>): ReportStatus {
  switch (body.status) {
    case 'COMPLETED':
      if (!body.url) throw invalidResponseError(200, [{ path: ['url'] }]);
      return { status: 'completed', url: body.url };
    case 'FAILED':
    case 'FAILURE':
      return { status: 'failed', reason: body.failureReason ?? 'the report failed at Amazon' };
    default:
      return { status: 'pending' };
  }
}

const DuplicateBody = z.object({ details: z.string().optional(), detail: z.string().optional() });

/**
 * A 425 names the report this one duplicates: resume that one instead of creating again (airbyte
 * PR 61652). Read from the body itself: error descriptions are scrubbed of id-like strings.
 */
export function duplicateReportId(status: number, body: unknown): string | undefined {
  if (status !== 425) return undefined;
  const parsed = DuplicateBody.safeParse(body);
  const text = parsed.success ? (parsed.data.details ?? parsed.data.detail ?? '') : '';
  return /duplicate of\s*:?\s*([A-Za-z0-9-]+)/i.exec(text)?.[1];
}

const count = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);
const money = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    return toDecimalString(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a decimal' });
    return z.NEVER;
  }
});

const ReportRow = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  campaignId: z.union([z.number(), z.string()]).transform(String),
  campaignName: z.string().nullish(),
  campaignStatus: z.string().nullish(),
  campaignBudgetCurrencyCode: z.string().nullish(),
  impressions: count.nullish(),
  clicks: count.nullish(),
  cost: money.nullish(),
  purchases30d: count.nullish(),
  sales30d: money.nullish(),
});

/** Rows of the downloaded report; the profile's currency when a row does not name one. */
export function parseReportRows(json: unknown, currency: string | null): InsightRow[] {
  const parsed = z.array(z.unknown()).safeParse(json);
  if (!parsed.success) throw invalidResponseError(200, parsed.error.issues);
  return parsed.data.map((raw, i) => {
    const row = ReportRow.safeParse(raw);
    if (!row.success) throw invalidResponseError(200, row.error.issues.map((issue) => ({ path: [i, ...issue.path] })));
    const r = row.data;
    return {
      campaignId: r.campaignId,
      campaignName: r.campaignName ?? null,
      campaignStatus: r.campaignStatus ?? null,
      day: r.date,
      impressions: r.impressions ?? 0,
      clicks: r.clicks ?? 0,
      spend: r.cost ?? '0',
      conversions: r.purchases30d === undefined || r.purchases30d === null ? null : String(r.purchases30d),
      conversionValue: r.sales30d ?? null,
      currency: r.campaignBudgetCurrencyCode ?? currency,
      raw: { ...(raw as Record<string, unknown>), attribution: 'amazon_30d_click' },
    };
  });
}

/** The pre-signed URL is fetched like a browser would: no Ads headers, no token [AZ7]. */
export async function downloadReportFile(fetchFn: typeof fetch, url: string): Promise<unknown> {
  let bytes: Buffer;
  let status: number;
  try {
    const response = await fetchFn(url, { method: 'GET' });
    status = response.status;
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (err) {
    throw networkError(err);
  }
  if (status < 200 || status > 299) {
    throw new ProviderError({ code: `http_${status}`, description: 'the report download failed', status, kind: 'transient' });
  }
  try {
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderError({ code: 'invalid_response', description: 'the report file is not gzip JSON', status, kind: 'transient' });
  }
}

export const amazonAdsInsights: ReportFetcher = {
  kind: 'report',
  // Amazon says "slow down" with 429 + Retry-After only (an error), never with a pause on success.
  async createReport(ctx: FetchContext, chunk: DayRange): Promise<CreatedReport> {
    const request = buildCreateReportRequest(ctx.provider.credentials, ctx.target, chunk, ctx.accessToken);
    const response = await sendProviderRequest(ctx.provider, request);
    return { reportId: duplicateReportId(response.status, response.json) ?? processJsonResponse(ctx.provider, response, ReportResponse).reportId };
  },
  async pollReport(ctx: FetchContext, reportId: string): Promise<ReportStatus> {
    const request = buildReportStatusRequest(ctx.provider.credentials, ctx.target, reportId, ctx.accessToken);
    const { body } = await requestJson(ctx.provider, request, ReportResponse);
    return parseReportStatus(body);
  },
  async downloadReport(ctx: FetchContext, url: string): Promise<ReportRows> {
    return { rows: parseReportRows(await downloadReportFile(ctx.provider.fetch, url), ctx.target.currency) };
  },
};

