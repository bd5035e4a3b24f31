import { createHmac } from 'node:crypto';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { lookupAccessToken } from './grants';
import { bearerToken, json, param, type Route, type SimRequest } from './http';
import { deadTokenError, graphError } from './meta-errors';
import { META_PERSONAS } from './personas';
import { accountDays, campaignsFor, cents } from './reporting-data';
import { countCall, reportingOf, restatementOf, takeReportingFailure } from './reporting-state';

/**
 * Meta `GET /v<n>/act_<id>/insights?level=campaign&time_increment=1` (providers.md §4
 * "Insights"): every metric a string, cursor paging, and the usage headers (near the limit when
 * the `metaUsagePct` knob says so). Throttling is error 17 without Retry-After [M5].
 */

const cursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
const offsetOf = (after: string | undefined) => {
  if (!after) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 0;
};

function usageHeaders(accountId: string, pct: number | null, regainMin = 0): Record<string, string> {
  if (pct === null) return {};
  return {
    'x-business-use-case-usage': JSON.stringify({
      [accountId]: [{ type: 'ads_insights', call_count: pct, total_cputime: pct, total_time: pct, estimated_time_to_regain_access: regainMin }],
    }),
    'x-ad-account-usage': JSON.stringify({ acc_id_util_pct: pct, reset_time_duration: 0 }),
    'x-fb-ads-insights-throttle': JSON.stringify({ app_id_util_pct: pct, acc_id_util_pct: pct, ads_api_access_tier: 'standard_access' }),
  };
}

async function insights(req: SimRequest, match: RegExpMatchArray): Promise<Response> {
  const accountId = match[1] ?? '';
  const injected = takeReportingFailure(req.state, 'meta');
  if (injected?.kind === 'rate_limited') {
    const minutes = injected.retryAfterSec === null ? 0 : Math.ceil(injected.retryAfterSec / 60);
    return graphError(400, '(#17) User request limit reached', 17, undefined, { headers: usageHeaders(accountId, 100, minutes) });
  }
  // Graph takes the token in the Authorization header (what Grantkeeper sends) or the query.
  const token = bearerToken(req.headers) ?? param(req.query, 'access_token');
  const found = lookupAccessToken(req.state, 'meta', token);
  if (injected?.kind === 'unauthorized') return graphError(400, 'Error validating access token: Session has expired.', 190, 463);
  if (!found.ok) return deadTokenError(found, req.state.now());
  const proof = param(req.query, 'appsecret_proof');
  if (proof !== undefined && proof !== createHmac('sha256', SIMULATOR_CREDENTIALS.meta.clientSecret).update(token ?? '').digest('hex')) {
    return graphError(400, 'Invalid appsecret_proof provided in the API argument', 100);
  }
  if (!found.grant.scopes.includes('ads_read') && !found.grant.scopes.includes('ads_management')) {
    return graphError(403, '(#200) Requires either ads_management or ads_read permission', 200);
  }
  const persona = META_PERSONAS.find((p) => p.id === found.grant.personaId);
  const account = persona?.adAccounts.find((a) => `act_${a.accountId}` === accountId);
  if (!account) return graphError(400, `Unsupported get request. Object with ID '${accountId}' does not exist`, 100, 33);
  countCall(req.state, 'meta', 'insights');
  if (param(req.query, 'level') !== 'campaign' || param(req.query, 'time_increment') !== '1') {
    return graphError(400, '(#100) Only level=campaign with time_increment=1 is simulated', 100);
  }
  let range: { since?: string; until?: string };
  try {
    range = JSON.parse(param(req.query, 'time_range') ?? '{}') as { since?: string; until?: string };
  } catch {
    return graphError(400, '(#100) time_range must be JSON {"since","until"}', 100);
  }
  if (!range.since || !range.until) return graphError(400, '(#100) time_range must be JSON {"since","until"}', 100);

  const { knobs } = reportingOf(req.state);
  const fields = (param(req.query, 'fields') ?? 'impressions,spend').split(',');
  const names = new Map(campaignsFor('meta', accountId).map((c) => [c.id, c.name]));
  const all = accountDays('meta', accountId, range.since, range.until, restatementOf(req.state)).map((d) => {
    const values: Record<string, unknown> = {
      campaign_id: d.campaignId,
      campaign_name: names.get(d.campaignId),
      account_currency: account.currency,
      impressions: String(d.impressions),
      clicks: String(d.clicks + Math.floor(d.clicks / 10)),
      inline_link_clicks: String(d.clicks),
      spend: cents(d.spendCents),
      actions: [
        { action_type: 'link_click', value: String(d.clicks) },
        ...(d.conversions > 0 ? [{ action_type: 'purchase', value: String(d.conversions) }] : []),
      ],
      action_values: d.conversions > 0 ? [{ action_type: 'purchase', value: cents(d.conversionValueCents) }] : [],
    };
    return { ...Object.fromEntries(fields.filter((f) => f in values).map((f) => [f, values[f]])), date_start: d.day, date_stop: d.day };
  });
  const limit = Math.min(Number(param(req.query, 'limit') ?? 25) || 25, knobs.metaPageSize);
  const offset = offsetOf(param(req.query, 'after'));
  const data = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  const next = new URL(req.url.href);
  next.searchParams.set('after', cursor(offset + limit));
  return json(
    {
      data,
      paging: {
        cursors: { before: cursor(offset), after: cursor(offset + Math.max(data.length, 1)) },
        ...(more ? { next: `https://graph.facebook.com${req.path}?${next.searchParams.toString().replace(/access_token=[^&]*&?/, '')}` } : {}),
      },
    },
    200,
    usageHeaders(accountId, knobs.metaUsagePct),
  );
}

export const META_REPORTING_ROUTES: Route[] = [
  { methods: ['GET'], hosts: ['graph.facebook.com'], path: /^(?:\/v\d+\.\d+)?\/(act_\d+)\/insights$/, handle: insights },
];
