import { createHmac, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { lookupAccessToken } from './grants';
import { bearerToken, json, type Route, type SimRequest } from './http';
import { AMAZON_PERSONAS } from './personas';
import { findAmazonPersona } from './persona-lookup';
import { accountDays, addDays, campaignsFor, cents } from './reporting-data';
import { countCall, reportingOf, restatementOf, takeReportingFailure, type SimReport } from './reporting-state';

/**
 * Amazon Ads reporting v3 (providers.md §1 "Reporting"): create a report, poll it
 * (PENDING → PROCESSING → COMPLETED after `amazonPollsUntilComplete` polls, or FAILURE), download
 * gzip JSON from a pre-signed URL that refuses Ads headers; a duplicate of an unfinished report
 * is 425; ≤ 31 days per report, 95-day lookback [AZ7].
 */

const ADS_HOSTS = ['advertising-api.amazon.com', 'advertising-api-eu.amazon.com', 'advertising-api-fe.amazon.com'];
export const REPORT_DOWNLOAD_HOST = 'offline-report-storage-us-east-1-prod.s3.amazonaws.com';
const CREATE_TYPE = 'application/vnd.createasyncreportrequest.v3+json';
const DOWNLOAD_KEY = 'simulated-s3-signing-key';

const error = (status: number, code: string, details: string, headers: Record<string, string> = {}) => json({ code, details }, status, headers);

type Caller = { ok: true; clientId: string; profileId: string; currency: string } | { ok: false; response: Response };

function authorize(req: SimRequest): Caller {
  const injected = takeReportingFailure(req.state, 'amazon-ads');
  if (injected?.kind === 'rate_limited') {
    return { ok: false, response: error(429, '429', 'Too Many Requests', injected.retryAfterSec === null ? {} : { 'retry-after': String(injected.retryAfterSec) }) };
  }
  const found = lookupAccessToken(req.state, 'amazon-ads', bearerToken(req.headers));
  if (injected?.kind === 'unauthorized' || !found.ok) return { ok: false, response: error(401, 'UNAUTHORIZED', 'HTTP 401 Unauthorized') };
  if (req.headers.get('amazon-advertising-api-clientid') !== found.grant.clientId) {
    return { ok: false, response: error(401, 'UNAUTHORIZED', 'Amazon-Advertising-API-ClientId header is missing or does not match the access token') };
  }
  const profileId = req.headers.get('amazon-advertising-api-scope') ?? '';
  const persona = findAmazonPersona(found.grant.personaId);
  // Seeded (synthetic) personas may report on any profile id; the named personas only on their own.
  const profile = persona?.profiles.find((p) => String(p.profileId) === profileId);
  if (!/^\d+$/.test(profileId) || (persona && !profile)) {
    return { ok: false, response: error(403, 'FORBIDDEN', 'Amazon-Advertising-API-Scope is missing or not a profile of this user') };
  }
  return { ok: true, clientId: found.grant.clientId, profileId, currency: profile?.currencyCode ?? 'USD' };
}

const CreateBody = z.object({
  name: z.string().optional(),
  startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  configuration: z.object({
    adProduct: z.literal('SPONSORED_PRODUCTS'),
    groupBy: z.array(z.string()),
    columns: z.array(z.string()).min(1),
    reportTypeId: z.literal('spCampaigns'),
    timeUnit: z.enum(['DAILY', 'SUMMARY']),
    format: z.literal('GZIP_JSON'),
  }),
});

const describeReport = (r: SimReport, url: string | null) => ({
  reportId: r.reportId,
  name: `report ${r.reportId}`,
  status: r.status,
  startDate: r.startDate,
  endDate: r.endDate,
  url,
  urlExpiresAt: url ? new Date(Date.now() + 3_600_000).toISOString() : null,
  failureReason: r.status === 'FAILURE' ? 'Report generation failed (simulated)' : null,
  fileSize: null,
});

async function createReport(req: SimRequest): Promise<Response> {
  const caller = authorize(req);
  if (!caller.ok) return caller.response;
  countCall(req.state, 'amazon-ads', 'create');
  if (!req.headers.get('content-type')?.startsWith(CREATE_TYPE)) return error(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${CREATE_TYPE}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await req.request.text());
  } catch {
    return error(400, 'INVALID_ARGUMENT', 'The request body is not JSON');
  }
  const parsed = CreateBody.safeParse(raw);
  if (!parsed.success) return error(400, 'INVALID_ARGUMENT', `Invalid report request at ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const body = parsed.data;
  const { startDate, endDate } = body;
  const today = restatementOf(req.state).today;
  if (endDate < startDate) return error(400, 'INVALID_ARGUMENT', 'endDate is before startDate');
  if (addDays(startDate, 30) < endDate) return error(400, 'INVALID_ARGUMENT', 'The date range of a report is at most 31 days');
  if (startDate < addDays(today, -95)) return error(400, 'INVALID_ARGUMENT', 'startDate is beyond the 95-day lookback');
  if (body.configuration.timeUnit === 'DAILY' && !body.configuration.columns.includes('date')) {
    return error(400, 'INVALID_ARGUMENT', 'DAILY reports need the date column');
  }
  const reporting = reportingOf(req.state);
  const requestKey = `${caller.profileId}|${JSON.stringify({ startDate, endDate, configuration: body.configuration })}`;
  for (const r of reporting.reports.values()) {
    if (r.requestKey === requestKey && (r.status === 'PENDING' || r.status === 'PROCESSING')) {
      return error(425, '425', `The Request is a duplicate of : ${r.reportId}`);
    }
  }
  const failing = reporting.knobs.amazonFailReports > 0;
  if (failing) reporting.knobs.amazonFailReports -= 1;
  const report: SimReport = { reportId: randomUUID(), profileId: caller.profileId, clientId: caller.clientId, startDate, endDate, requestKey, polls: 0, failing, status: 'PENDING' };
  reporting.reports.set(report.reportId, report);
  return json(describeReport(report, null));
}

function signature(reportId: string): string {
  return createHmac('sha256', DOWNLOAD_KEY).update(reportId).digest('hex');
}

function pollReport(req: SimRequest, match: RegExpMatchArray): Response {
  const caller = authorize(req);
  if (!caller.ok) return caller.response;
  countCall(req.state, 'amazon-ads', 'poll');
  const reporting = reportingOf(req.state);
  const report = reporting.reports.get(decodeURIComponent(match[1] ?? ''));
  if (!report || report.profileId !== caller.profileId) return error(404, 'NOT_FOUND', 'Report not found');
  report.polls += 1;
  if (report.status === 'PENDING' || report.status === 'PROCESSING') {
    report.status =
      report.polls > reporting.knobs.amazonPollsUntilComplete ? (report.failing ? 'FAILURE' : 'COMPLETED') : report.polls === 1 ? 'PENDING' : 'PROCESSING';
  }
  const url =
    report.status === 'COMPLETED'
      ? `https://${REPORT_DOWNLOAD_HOST}/${report.reportId}.json.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${signature(report.reportId)}`
      : null;
  return json(describeReport(report, url));
}

/** S3 refuses a second auth mechanism: a pre-signed URL with an Authorization header is a 400. */
function download(req: SimRequest, match: RegExpMatchArray): Response {
  countCall(req.state, 'amazon-ads', 'download');
  const s3Error = (status: number, code: string, message: string) =>
    new Response(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
      status,
      headers: { 'content-type': 'application/xml' },
    });
  if (req.headers.get('authorization') || [...req.headers.keys()].some((k) => k.startsWith('amazon-advertising-api'))) {
    return s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter should be specified');
  }
  const reportId = match[1] ?? '';
  const report = reportingOf(req.state).reports.get(reportId);
  if (!report || report.status !== 'COMPLETED' || req.query.get('X-Amz-Signature') !== signature(reportId)) {
    return s3Error(403, 'AccessDenied', 'Access Denied');
  }
  const persona = AMAZON_PERSONAS.find((p) => p.profiles.some((f) => String(f.profileId) === report.profileId));
  const currency = persona?.profiles.find((f) => String(f.profileId) === report.profileId)?.currencyCode ?? 'USD';
  const campaigns = new Map(campaignsFor('amazon-ads', report.profileId).map((c) => [c.id, c]));
  const rows = accountDays('amazon-ads', report.profileId, report.startDate, report.endDate, restatementOf(req.state)).map((d) => ({
    date: d.day,
    campaignId: Number(d.campaignId),
    campaignName: campaigns.get(d.campaignId)?.name,
    campaignStatus: campaigns.get(d.campaignId)?.status,
    campaignBudgetCurrencyCode: currency,
    impressions: d.impressions,
    clicks: d.clicks,
    // JSON numbers, as Amazon sends them.
    cost: Number(cents(d.spendCents)),
    purchases30d: d.conversions,
    sales30d: Number(cents(d.conversionValueCents)),
  }));
  return new Response(gzipSync(JSON.stringify(rows)), { status: 200, headers: { 'content-type': 'application/x-gzip' } });
}

export const AMAZON_REPORTING_ROUTES: Route[] = [
  { methods: ['POST'], hosts: ADS_HOSTS, path: /^\/reporting\/reports$/, handle: createReport },
  { methods: ['GET'], hosts: ADS_HOSTS, path: /^\/reporting\/reports\/([^/]+)$/, handle: pollReport },
  { methods: ['GET'], hosts: [REPORT_DOWNLOAD_HOST], path: /^\/([0-9a-f-]+)\.json\.gz$/, handle: download },
];
