import { describe, expect, it } from 'vitest';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import { reportingOf } from './reporting-state';
import { seedGrant } from './seed';
import { createSimulatorState } from './state';

/** LinkedIn adAnalytics and adCampaigns as a sync sees them (providers.md §2 "Reporting"). */
const ORIGIN = 'http://sim.test';
const API = 'https://api.linkedin.com/rest';
const MAYA_USD = 5123456;
const OMAR = 5200981;
const DATES = 'dateRange=(start:(year:2026,month:11,day:1),end:(year:2026,month:11,day:3))';
const analyticsUrl = (account: number | string = MAYA_USD, rest = '') =>
  `${API}/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY&${DATES}&accounts=List(urn%3Ali%3AsponsoredAccount%3A${account})&fields=dateRange,pivotValues,impressions,clicks${rest}`;
const HEADERS = { 'linkedin-version': '202603', 'x-restli-protocol-version': '2.0.0' };

function setup(scopes = ['r_ads_reporting', 'r_ads']) {
  const state = createSimulatorState();
  const fetchSim = createSimulatorFetch(state, { origin: ORIGIN });
  const { accessToken } = seedGrant(state, 'linkedin', { personaId: 'linkedin-maya', scopes });
  const get = (url: string, headers: Record<string, string> = { ...HEADERS, authorization: `Bearer ${accessToken}` }) =>
    fetchSim(toSimulatorUrl(ORIGIN, 'linkedin', url), { headers });
  return { state, get, accessToken, knobs: reportingOf(state).knobs };
}

type RestError = { message: string; serviceErrorCode: number; status: number };

describe('simulator LinkedIn adAnalytics', () => {
  it('answers the requested fields per campaign-day for an account of the member', async () => {
    const { get } = setup();
    const res = await get(analyticsUrl());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { elements: { dateRange: { start: { day: number } }; pivotValues: string[]; impressions: number; clicks: number }[] };
    expect(body.elements.length).toBeGreaterThan(0);
    expect(new Set(body.elements.map((e) => e.dateRange.start.day))).toEqual(new Set([1, 2, 3]));
    expect(body.elements[0]!.pivotValues[0]).toMatch(/^urn:li:sponsoredCampaign:\d+$/);
    expect(Object.keys(body.elements[0]!).sort()).toEqual(['clicks', 'dateRange', 'impressions', 'pivotValues']);
  });

  it('answers an empty result, not an error, for an account the member cannot see [LI9]', async () => {
    const { get } = setup();
    const res = await get(analyticsUrl(OMAR));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ elements: [], paging: { start: 0, count: 10, links: [] } });
  });

  it('throttles with 429 and serviceErrorCode 101, with Retry-After only when the knob gives one', async () => {
    const { get, knobs } = setup();
    knobs.rateLimit = { linkedin: { count: 1, retryAfterSec: 30 } };
    const limited = await get(analyticsUrl());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(((await limited.json()) as RestError).serviceErrorCode).toBe(101);
    knobs.rateLimit = { linkedin: { count: 1, retryAfterSec: null } };
    const bare = await get(analyticsUrl());
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect((await get(analyticsUrl())).status).toBe(200);
  });

  it('answers 401 for a token that died mid-sync (knob) or an unknown one, and 403 without r_ads_reporting', async () => {
    const { get, knobs } = setup();
    knobs.unauthorized = { linkedin: 1 };
    const died = await get(analyticsUrl());
    expect(died.status).toBe(401);
    expect(await died.json()).toEqual({ message: 'Invalid access token', serviceErrorCode: 401, status: 401 });
    expect((await get(analyticsUrl(), { ...HEADERS, authorization: 'Bearer nope' })).status).toBe(401);
    const noScope = setup(['r_ads']);
    const forbidden = await noScope.get(analyticsUrl());
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as RestError).message).toContain('adAnalytics.FINDER-analytics');
  });

  it('refuses requests it does not understand with 400: protocol, finder, dateRange, accounts, field limit knob', async () => {
    const { get, accessToken, knobs } = setup();
    const auth = { authorization: `Bearer ${accessToken}` };
    const noProtocol = await get(analyticsUrl(), { ...auth, 'linkedin-version': '202603' });
    expect(noProtocol.status).toBe(400);
    expect(((await noProtocol.json()) as RestError).message).toBe('Rest.li protocol 2.0.0 is required');

    const cases: [string, string][] = [
      [analyticsUrl().replace('pivot=CAMPAIGN', 'pivot=CREATIVE'), 'Only q=analytics'],
      [analyticsUrl().replace(DATES, 'dateRange.start.day=1'), 'Invalid dateRange'],
      [analyticsUrl('x'), 'Invalid accounts'],
    ];
    for (const [url, message] of cases) {
      const res = await get(url);
      expect(res.status, message).toBe(400);
      expect(((await res.json()) as RestError).message, message).toContain(message);
    }
    knobs.linkedinFieldLimit = 3;
    const tooMany = await get(analyticsUrl());
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as RestError).message).toBe('Too many fields requested: at most 3 are allowed per request');
  });
});

describe('simulator LinkedIn adCampaigns', () => {
  const campaignsUrl = (account: number, query = 'q=search') => `${API}/adAccounts/${account}/adCampaigns?${query}`;

  it('pages the account’s campaigns by pageToken, with LinkedIn’s statuses', async () => {
    const { get } = setup();
    const all = (await (await get(campaignsUrl(MAYA_USD))).json()) as { elements: { id: number; status: string; account: string }[]; metadata: { nextPageToken?: string } };
    expect(all.elements.length).toBeGreaterThan(1);
    expect(all.metadata).toEqual({});
    expect(all.elements.every((c) => c.account === `urn:li:sponsoredAccount:${MAYA_USD}`)).toBe(true);
    expect(new Set(all.elements.map((c) => c.status))).toEqual(new Set(['ACTIVE', 'PAUSED']));

    const seen: number[] = [];
    let token: string | undefined;
    do {
      const page = (await (await get(campaignsUrl(MAYA_USD, `q=search&pageSize=1${token ? `&pageToken=${token}` : ''}`))).json()) as typeof all;
      expect(page.elements).toHaveLength(1);
      seen.push(page.elements[0]!.id);
      token = page.metadata.nextPageToken;
    } while (token);
    expect(seen).toEqual(all.elements.map((c) => c.id));
    // A pageSize that is not a number means the default (100): everything on one page.
    const garbled = (await (await get(campaignsUrl(MAYA_USD, 'q=search&pageSize=many'))).json()) as typeof all;
    expect(garbled.elements.map((c) => c.id)).toEqual(all.elements.map((c) => c.id));
  });

  it('refuses a missing version, protocol, token or scope, another finder, and an account the member cannot see', async () => {
    const { get, accessToken } = setup();
    const auth = { authorization: `Bearer ${accessToken}` };
    expect(await (await get(campaignsUrl(MAYA_USD), { ...auth, 'x-restli-protocol-version': '2.0.0' })).json()).toMatchObject({ status: 400, code: 'VERSION_MISSING' });
    expect((await get(campaignsUrl(MAYA_USD), { ...auth, 'linkedin-version': '202603' })).status).toBe(400);
    expect((await get(campaignsUrl(MAYA_USD), { ...HEADERS, authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get(campaignsUrl(MAYA_USD, 'q=criteria'))).status).toBe(400);
    const foreign = await get(campaignsUrl(OMAR));
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as RestError).message).toBe(`Not enough permissions to access account ${OMAR}`);
    const reportingOnly = setup(['r_ads_reporting']);
    const noScope = await reportingOnly.get(campaignsUrl(MAYA_USD));
    expect(noScope.status).toBe(403);
    expect(((await noScope.json()) as RestError).message).toContain('adCampaigns.FINDER-search');
    const writer = setup(['rw_ads']);
    expect((await writer.get(campaignsUrl(MAYA_USD))).status).toBe(200);
  });
});
