import { createHmac } from 'node:crypto';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { lookupAccessToken } from './grants';
import { bearerToken, json, param, type Route, type SimRequest } from './http';
import { deadTokenError, graphError } from './meta-errors';
import { findMetaPersona } from './persona-lookup';
import { accountDays, campaignsFor, cents } from './reporting-data';
import { countCall, reportingOf, restatementOf, takeReportingFailure, type MetaUsageEndpoint } from './reporting-state';

/**
 * Meta `GET /v<n>/act_<id>/insights?level=campaign&time_increment=1` (providers.md §4
 * "Insights"): every metric a string, cursor paging, and the usage headers (near the limit when
 * the `metaUsagePct` knob says so; on the endpoints `metaUsageOn` names, all by default). Throttling is error 17 without Retry-After [M5]. The async
 * form: `POST` the same parameters → `report_run_id`; `GET /<id>` → `async_status`,
 * `async_percent_completion` (knobs `metaPollsUntilComplete`, `metaFailReportRuns`);
 * `GET /<id>/insights` → the rows, paged [M25].
 */

const cursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
const offsetOf = (after: string | undefined) => {
  if (!after) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 0;
};

/** The usage headers an endpoint sends, per the `metaUsagePct` and `metaUsageOn` knobs. */
function usageOf(req: SimRequest, accountId: string, endpoint: MetaUsageEndpoint): Record<string, string> {
  const { knobs } = reportingOf(req.state);
  return knobs.metaUsageOn.includes(endpoint) ? usageHeaders(accountId, knobs.metaUsagePct) : {};
}

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

type Authorized = { ok: true; clientId: string; currency: string } | { ok: false; response: Response };

/** What every insights call checks: injected failures, the token, the proof, the scope, the account. */
function authorizeInsights(req: SimRequest, accountId: string): Authorized {
  const injected = takeReportingFailure(req.state, 'meta');
  if (injected?.kind === 'rate_limited') {
    const minutes = injected.retryAfterSec === null ? 0 : Math.ceil(injected.retryAfterSec / 60);
    return { ok: false, response: graphError(400, '(#17) User request limit reached', 17, undefined, { headers: usageHeaders(accountId, 100, minutes) }) };
  }
  // Graph takes the token in the Authorization header (what Grantkeeper sends) or the query.
  const token = bearerToken(req.headers) ?? param(req.query, 'access_token');
  const found = lookupAccessToken(req.state, 'meta', token);
  if (injected?.kind === 'unauthorized') return { ok: false, response: graphError(400, 'Error validating access token: Session has expired.', 190, 463) };
  if (!found.ok) return { ok: false, response: deadTokenError(found, req.state.now()) };
  const proof = param(req.query, 'appsecret_proof');
  if (proof !== undefined && proof !== createHmac('sha256', SIMULATOR_CREDENTIALS.meta.clientSecret).update(token ?? '').digest('hex')) {
    return { ok: false, response: graphError(400, 'Invalid appsecret_proof provided in the API argument', 100) };
  }
  if (!found.grant.scopes.includes('ads_read') && !found.grant.scopes.includes('ads_management')) {
    return { ok: false, response: graphError(403, '(#200) Requires either ads_management or ads_read permission', 200) };
  }
  const persona = findMetaPersona(found.grant.personaId);
  const account = persona?.adAccounts.find((a) => `act_${a.accountId}` === accountId);
  if (!account) return { ok: false, response: graphError(400, `Unsupported get request. Object with ID '${accountId}' does not exist`, 100, 33) };
  return { ok: true, clientId: found.grant.clientId, currency: account.currency };
}

/** The query's report parameters, or the Graph error a wrong one gets. */
function reportParams(query: URLSearchParams): { since: string; until: string; fields: string[] } | Response {
  if (param(query, 'level') !== 'campaign' || param(query, 'time_increment') !== '1') {
    return graphError(400, '(#100) Only level=campaign with time_increment=1 is simulated', 100);
  }
  let range: { since?: string; until?: string };
  try {
    range = JSON.parse(param(query, 'time_range') ?? '{}') as { since?: string; until?: string };
  } catch {
    return graphError(400, '(#100) time_range must be JSON {"since","until"}', 100);
  }
  if (!range.since || !range.until) return graphError(400, '(#100) time_range must be JSON {"since","until"}', 100);
  return { since: range.since, until: range.until, fields: (param(query, 'fields') ?? 'impressions,spend').split(',') };
}

/** One page of insights rows for the account and parameters, with cursor paging. */
function insightsPage(
  req: SimRequest,
  accountId: string,
  currency: string,
  params: { since: string; until: string; fields: string[] },
  endpoint: MetaUsageEndpoint,
): Response {
  const { knobs } = reportingOf(req.state);
  const names = new Map(campaignsFor('meta', accountId).map((c) => [c.id, c.name]));
  const all = accountDays('meta', accountId, params.since, params.until, restatementOf(req.state)).map((d) => {
    const values: Record<string, unknown> = {
      campaign_id: d.campaignId,
      campaign_name: names.get(d.campaignId),
      account_currency: currency,
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
    return { ...Object.fromEntries(params.fields.filter((f) => f in values).map((f) => [f, values[f]])), date_start: d.day, date_stop: d.day };
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
    usageOf(req, accountId, endpoint),
  );
}

async function insights(req: SimRequest, match: RegExpMatchArray): Promise<Response> {
  const accountId = match[1] ?? '';
  const auth = authorizeInsights(req, accountId);
  if (!auth.ok) return auth.response;
  countCall(req.state, 'meta', 'insights');
  const params = reportParams(req.query);
  if (params instanceof Response) return params;
  return insightsPage(req, accountId, auth.currency, params, 'insights');
}

/** `POST /act_<id>/insights`: an async report run with the same parameters; answers its id [M25]. */
async function createReportRun(req: SimRequest, match: RegExpMatchArray): Promise<Response> {
  const accountId = match[1] ?? '';
  const auth = authorizeInsights(req, accountId);
  if (!auth.ok) return auth.response;
  // Graph reads POST parameters from the query or a form body alike.
  const query = new URLSearchParams(req.query);
  for (const [k, v] of await req.form()) query.set(k, v);
  const params = reportParams(query);
  if (params instanceof Response) return params;
  countCall(req.state, 'meta', 'report_run_create');
  const reporting = reportingOf(req.state);
  const failing = reporting.knobs.metaFailReportRuns > 0;
  if (failing) reporting.knobs.metaFailReportRuns -= 1;
  const id = `9990${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
  reporting.metaRuns.set(id, { id, accountId, params, currency: auth.currency, clientId: auth.clientId, polls: 0, failing });
  return json({ report_run_id: id }, 200, usageOf(req, accountId, 'report_run_create'));
}

/** The run, when the caller's token is live and of the app that created it. */
function ownRun(req: SimRequest, id: string): { run: NonNullable<ReturnType<typeof findRun>> } | Response {
  const run = findRun(req, id);
  const found = lookupAccessToken(req.state, 'meta', bearerToken(req.headers) ?? param(req.query, 'access_token'));
  if (!found.ok) return deadTokenError(found, req.state.now());
  if (!run || run.clientId !== found.grant.clientId) return graphError(400, `Unsupported get request. Object with ID '${id}' does not exist`, 100, 33);
  return { run };
}
const findRun = (req: SimRequest, id: string) => reportingOf(req.state).metaRuns.get(id);

/** `GET /<report_run_id>`: async_status and async_percent_completion; "Job Completed" after `metaPollsUntilComplete` polls. */
function reportRunStatus(req: SimRequest, match: RegExpMatchArray): Response {
  const own = ownRun(req, match[1] ?? '');
  if (own instanceof Response) return own;
  const { run } = own;
  countCall(req.state, 'meta', 'report_run_poll');
  run.polls += 1;
  const { knobs } = reportingOf(req.state);
  const done = run.polls > knobs.metaPollsUntilComplete;
  const status = done ? (run.failing ? 'Job Failed' : 'Job Completed') : run.polls === 1 ? 'Job Not Started' : 'Job Running';
  const pct = done ? 100 : Math.min(99, Math.round((run.polls / (knobs.metaPollsUntilComplete + 1)) * 100));
  return json({
    id: run.id,
    account_id: run.accountId.replace(/^act_/, ''),
    async_status: status,
    async_percent_completion: run.failing && done ? 0 : pct,
    ...(run.failing && done ? { error_code: 2, error_message: 'Service temporarily unavailable', error_subcode: 1487534 } : {}),
  }, 200, usageOf(req, run.accountId, 'report_run_poll'));
}

/** `GET /<report_run_id>/insights`: the finished run's rows, paged like the synchronous read. */
function reportRunInsights(req: SimRequest, match: RegExpMatchArray): Response {
  const own = ownRun(req, match[1] ?? '');
  if (own instanceof Response) return own;
  const { run } = own;
  const { knobs } = reportingOf(req.state);
  if (run.failing || run.polls <= knobs.metaPollsUntilComplete) return graphError(400, '(#100) The report run is not completed', 100);
  countCall(req.state, 'meta', 'report_run_insights');
  return insightsPage(req, run.accountId, run.currency, run.params, 'report_run_insights');
}

export const META_REPORTING_ROUTES: Route[] = [
  { methods: ['GET'], hosts: ['graph.facebook.com'], path: /^(?:\/v\d+\.\d+)?\/(act_\d+)\/insights$/, handle: insights },
  { methods: ['POST'], hosts: ['graph.facebook.com'], path: /^(?:\/v\d+\.\d+)?\/(act_\d+)\/insights$/, handle: createReportRun },
  // Simulated report run ids start with 9990, so these never shadow the Graph node routes.
  { methods: ['GET'], hosts: ['graph.facebook.com'], path: /^(?:\/v\d+\.\d+)?\/(9990\d{12})$/, handle: reportRunStatus },
  { methods: ['GET'], hosts: ['graph.facebook.com'], path: /^(?:\/v\d+\.\d+)?\/(9990\d{12})\/insights$/, handle: reportRunInsights },
];
