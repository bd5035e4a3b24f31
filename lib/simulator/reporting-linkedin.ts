import { lookupAccessToken } from './grants';
import { bearerToken, json, param, type Route, type SimRequest } from './http';
import { findLinkedInPersona } from './persona-lookup';
import { accountDays, campaignsFor, cents } from './reporting-data';
import { countCall, reportingOf, restatementOf, takeReportingFailure } from './reporting-state';

/**
 * LinkedIn `GET /rest/adAnalytics?q=analytics` (providers.md §2 "Reporting"): the LinkedIn-Version
 * header is mandatory, pivot CAMPAIGN, DAILY granularity, Rest.li 2.0 `dateRange` and
 * `accounts=List(urn%3Ali%3AsponsoredAccount%3A…)`, at most `linkedinFieldLimit` fields
 * (dateRange and pivotValues included); no paging. Days are UTC.
 */

const restError = (status: number, message: string, headers: Record<string, string> = {}) =>
  json({ message, serviceErrorCode: status === 429 ? 101 : status, status }, status, headers);

const DATE = /dateRange=\(start:\(year:(\d+),month:(\d+),day:(\d+)\),end:\(year:(\d+),month:(\d+),day:(\d+)\)\)/;
const pad = (n: string) => n.padStart(2, '0');

function analytics(req: SimRequest): Response {
  if (!req.headers.get('linkedin-version')) {
    return json({ status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' }, 400);
  }
  if (req.headers.get('x-restli-protocol-version') !== '2.0.0') return restError(400, 'Rest.li protocol 2.0.0 is required');
  const injected = takeReportingFailure(req.state, 'linkedin');
  if (injected?.kind === 'rate_limited') {
    return restError(429, 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.', injected.retryAfterSec === null ? {} : { 'retry-after': String(injected.retryAfterSec) });
  }
  const found = lookupAccessToken(req.state, 'linkedin', bearerToken(req.headers));
  if (injected?.kind === 'unauthorized' || !found.ok) return restError(401, 'Invalid access token');
  if (!found.grant.scopes.includes('r_ads_reporting')) return restError(403, 'Not enough permissions to access: adAnalytics.FINDER-analytics');
  countCall(req.state, 'linkedin', 'analytics');

  // The raw query: Rest.li values must arrive with their parentheses and commas unencoded.
  const raw = req.url.search;
  if (param(req.query, 'q') !== 'analytics' || param(req.query, 'pivot') !== 'CAMPAIGN' || param(req.query, 'timeGranularity') !== 'DAILY') {
    return restError(400, 'Only q=analytics, pivot=CAMPAIGN, timeGranularity=DAILY are simulated');
  }
  const date = DATE.exec(raw);
  if (!date) return restError(400, 'Invalid dateRange: expected Rest.li (start:(year:…,month:…,day:…),end:(…))');
  const account = /accounts=List\(urn%3Ali%3AsponsoredAccount%3A(\d+)\)/.exec(raw)?.[1];
  if (!account) return restError(400, 'Invalid accounts: expected List(urn%3Ali%3AsponsoredAccount%3A<id>)');
  const fields = (param(req.query, 'fields') ?? '').split(',').filter(Boolean);
  const { knobs } = reportingOf(req.state);
  if (fields.length > knobs.linkedinFieldLimit) {
    return restError(400, `Too many fields requested: at most ${knobs.linkedinFieldLimit} are allowed per request`);
  }
  const persona = findLinkedInPersona(found.grant.personaId);
  // An account the member cannot see gives an empty result, not an error [LI9].
  if (persona && !persona.adAccounts.some((a) => String(a.id) === account)) return json({ elements: [], paging: { start: 0, count: 10, links: [] } });

  const [, y1, m1, d1, y2, m2, d2] = date;
  const from = `${y1}-${pad(m1!)}-${pad(d1!)}`;
  const to = `${y2}-${pad(m2!)}-${pad(d2!)}`;
  const elements = accountDays('linkedin', account, from, to, restatementOf(req.state)).map((d) => {
    const [year, month, day] = d.day.split('-').map(Number);
    const oneClickLeads = Math.floor(d.conversions / 3);
    const all: Record<string, unknown> = {
      dateRange: { start: { year, month, day }, end: { year, month, day } },
      pivotValues: [`urn:li:sponsoredCampaign:${d.campaignId}`],
      impressions: d.impressions,
      clicks: d.clicks,
      costInLocalCurrency: cents(d.spendCents),
      externalWebsiteConversions: d.conversions - oneClickLeads,
      oneClickLeads,
      conversionValueInLocalCurrency: cents(d.conversionValueCents),
    };
    return Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
  });
  return json({ elements, paging: { start: 0, count: 10, links: [] } });
}

/** LinkedIn statuses for the simulated campaigns (ENABLED is Amazon's word; LinkedIn says ACTIVE). */
const linkedInStatus = (status: string) => (status === 'ENABLED' ? 'ACTIVE' : status);

/**
 * `GET /rest/adAccounts/{id}/adCampaigns?q=search`: the account's campaigns, `pageSize` per page
 * (default 100), cursor `pageToken` → `metadata.nextPageToken`, version headers required.
 */
function adCampaigns(req: SimRequest, match: RegExpMatchArray): Response {
  if (!req.headers.get('linkedin-version')) {
    return json({ status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' }, 400);
  }
  if (req.headers.get('x-restli-protocol-version') !== '2.0.0') return restError(400, 'Rest.li protocol 2.0.0 is required');
  const found = lookupAccessToken(req.state, 'linkedin', bearerToken(req.headers));
  if (!found.ok) return restError(401, 'Invalid access token');
  if (!found.grant.scopes.includes('r_ads') && !found.grant.scopes.includes('rw_ads')) return restError(403, 'Not enough permissions to access: adCampaigns.FINDER-search');
  if (param(req.query, 'q') !== 'search') return restError(400, 'Only q=search is simulated');
  const account = match[1] ?? '';
  const persona = findLinkedInPersona(found.grant.personaId);
  if (persona && !persona.adAccounts.some((a) => String(a.id) === account)) return restError(403, `Not enough permissions to access account ${account}`);
  countCall(req.state, 'linkedin', 'adCampaigns');
  const all = campaignsFor('linkedin', account).map((c) => ({
    id: Number(c.id),
    account: `urn:li:sponsoredAccount:${account}`,
    name: c.name,
    status: linkedInStatus(c.status),
    type: 'SPONSORED_UPDATES',
  }));
  const pageSize = Math.max(1, Math.min(1000, Number(param(req.query, 'pageSize') ?? 100) || 100));
  const offset = Number(/^p(\d+)$/.exec(param(req.query, 'pageToken') ?? '')?.[1] ?? 0);
  const elements = all.slice(offset, offset + pageSize);
  const next = offset + pageSize < all.length ? `p${offset + pageSize}` : undefined;
  return json({ elements, metadata: next ? { nextPageToken: next } : {} });
}

export const LINKEDIN_REPORTING_ROUTES: Route[] = [
  { methods: ['GET'], hosts: ['api.linkedin.com'], path: /^\/rest\/adAnalytics$/, handle: analytics },
  { methods: ['GET'], hosts: ['api.linkedin.com'], path: /^\/rest\/adAccounts\/(\d+)\/adCampaigns$/, handle: adCampaigns },
];
