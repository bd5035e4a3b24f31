import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { issueAccessToken } from './grants';
import type { Grant } from './state';
import { createSimulatorTestClient, type SimulatorTestClient } from './test-client';

/** The Graph calls a connect flow makes, as Grantkeeper sees them (providers.md §4, [M4][M6][M7][M22]). */
const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.meta;
const GRAPH = 'https://graph.facebook.com/v25.0';
const LUCIA = '10160987654321001';
const BAKERY = '104567890123451';

/** A consented Meta grant and its user token, issued the way a code exchange would (long-lived: no expiry ⇒ never-expiring Page tokens). */
function userToken(sim: SimulatorTestClient, opts: { scopes?: string[]; personaId?: string; ttlSec?: number | null; longLived?: boolean } = {}): string {
  const grant: Grant = {
    id: `grant-${Math.random()}`,
    provider: 'meta',
    clientId,
    personaId: opts.personaId ?? 'meta-lucia',
    scopes: opts.scopes ?? ['ads_read', 'pages_show_list', 'instagram_basic', 'public_profile'],
    consentedAt: sim.state.now(),
    refreshCount: 0,
  };
  sim.state.grants.set(grant.id, grant);
  const record = issueAccessToken(sim.state, grant, opts.ttlSec === undefined ? 5400 : opts.ttlSec);
  if (opts.longLived) record.longLived = true;
  return record.token;
}

const graph = (sim: SimulatorTestClient, path: string, token: string, method = 'GET') =>
  sim.fetch(sim.url(`${GRAPH}${path}`), { method, headers: { authorization: `Bearer ${token}` } });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: number; error_subcode?: number; message: string; type: string } }).error;
const debug = async (sim: SimulatorTestClient, input: string) =>
  ((await (await sim.get(`${GRAPH}/debug_token?${new URLSearchParams({ input_token: input, access_token: `${clientId}|${clientSecret}` })}`)).json()) as { data: Record<string, unknown> }).data;

describe('simulator Meta Graph nodes', () => {
  it('throttles as many calls as the knob counts; code 4 comes with HTTP 403 [M24]', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim);
    sim.setKnobs((k) => (k.meta.graphThrottle = { code: 4, count: 2 }));
    for (let i = 0; i < 2; i++) {
      const res = await graph(sim, '/me', token);
      expect(res.status).toBe(403);
      expect(await errorOf(res)).toMatchObject({ code: 4, message: '(#4) Application request limit reached' });
    }
    expect(sim.state.knobs.meta.graphThrottle).toBeNull();
    expect((await graph(sim, '/me', token)).status).toBe(200);
  });

  it('refuses a call without any token with code 2500, and a token whose person is gone with 190', async () => {
    const sim = createSimulatorTestClient('meta');
    const none = await sim.get(`${GRAPH}/me`);
    expect(none.status).toBe(400);
    expect(await errorOf(none)).toMatchObject({ code: 2500 });
    const orphan = userToken(sim, { personaId: 'meta-gone' });
    expect(await errorOf(await graph(sim, '/me', orphan))).toMatchObject({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
  });

  it('every Graph endpoint refuses a call without a token with 2500', async () => {
    const sim = createSimulatorTestClient('meta');
    for (const path of ['/me/accounts', '/me/adaccounts', '/me/permissions', `/${BAKERY}`]) {
      const res = await sim.get(`${GRAPH}${path}`);
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).code, path).toBe(2500);
    }
  });

  it('answers /me and /<user id> with name and id by default, and only what exists of the asked fields', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim);
    expect(await (await graph(sim, '/me', token)).json()).toEqual({ name: 'Lucía Fernández', id: LUCIA });
    expect(await (await graph(sim, `/${LUCIA}?fields=id,birthday`, token)).json()).toEqual({ id: LUCIA });
  });

  it('ad account nodes need ads_read or ads_management, and someone else’s account is “does not exist” (100/33)', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim, { scopes: ['ads_management'] });
    expect(await (await graph(sim, '/act_1234567890123452?fields=name,currency', token)).json()).toEqual({ name: 'Catering Promotions', currency: 'EUR', id: 'act_1234567890123452' });
    expect(await (await graph(sim, '/act_1234567890123451', token)).json()).toEqual({ id: 'act_1234567890123451' });
    const foreign = await graph(sim, '/act_1234567890123461', token);
    expect(foreign.status).toBe(400);
    expect(await errorOf(foreign)).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });

    const noAds = userToken(sim, { scopes: ['pages_show_list'] });
    const refused = await graph(sim, '/act_1234567890123451', noAds);
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: 200 });
    expect((await graph(sim, '/me/adaccounts', noAds)).status).toBe(403);
    expect(await errorOf(await graph(sim, '/104567890123461', noAds))).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('lists no Pages without pages_show_list, and no Instagram account without instagram_basic', async () => {
    const sim = createSimulatorTestClient('meta');
    const noPages = userToken(sim, { scopes: ['ads_read'] });
    expect(((await (await graph(sim, '/me/accounts', noPages)).json()) as { data: unknown[] }).data).toEqual([]);
    const noIg = userToken(sim, { scopes: ['pages_show_list'] });
    const page = await (await graph(sim, `/${BAKERY}?fields=name,instagram_business_account`, noIg)).json();
    expect(page).toEqual({ name: 'Casa Lucía Bakery', id: BAKERY });
  });
});

describe('simulator Meta Page tokens', () => {
  it('hands out one Page token per user token and Page, expiring with a short-lived user token', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim, { ttlSec: 5400 });
    const first = (await (await graph(sim, '/me/accounts', token)).json()) as { data: { id: string; access_token: string; tasks: string[] }[] };
    expect(first.data.map((p) => Object.keys(p).sort())).toEqual([['access_token', 'id', 'name', 'tasks'], ['access_token', 'id', 'name', 'tasks']]);
    const again = (await (await graph(sim, '/me/accounts', token)).json()) as typeof first;
    expect(again.data.map((p) => p.access_token)).toEqual(first.data.map((p) => p.access_token));
    const pageToken = first.data[0]!.access_token;
    const info = await debug(sim, pageToken);
    expect(info).toMatchObject({ type: 'PAGE', is_valid: true, profile_id: BAKERY, expires_at: Math.floor(sim.state.now() / 1000) + 5400 });
  });

  it('never expires a Page token from a long-lived user token [M22]', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim, { ttlSec: 5_183_944, longLived: true });
    const pages = (await (await graph(sim, `/${BAKERY}?fields=access_token`, token)).json()) as { access_token: string };
    expect((await debug(sim, pages.access_token)).expires_at).toBe(0);
  });

  it('a Page token sees its own Page as /me, no other node, and has no /me/accounts', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim);
    const pages = (await (await graph(sim, '/me/accounts', token)).json()) as { data: { access_token: string }[] };
    const pageToken = pages.data[0]!.access_token;
    expect(await (await graph(sim, '/me', pageToken)).json()).toEqual({ name: 'Casa Lucía Bakery', id: BAKERY });
    // A Page token does not hand out further Page tokens.
    expect(await (await graph(sim, `/${BAKERY}?fields=id,access_token`, pageToken)).json()).toEqual({ id: BAKERY });
    expect(await errorOf(await graph(sim, '/104567890123452', pageToken))).toMatchObject({ code: 100, error_subcode: 33 });
    const accounts = await graph(sim, '/me/accounts', pageToken);
    expect(accounts.status).toBe(400);
    expect((await errorOf(accounts)).message).toBe('(#100) Tried accessing nonexisting field (accounts) on node type (Page)');
  });
});

describe('simulator Meta permissions and debug_token', () => {
  it('lists granted permissions, removes one with DELETE /me/permissions/<name>, and hides other users', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = userToken(sim, { scopes: ['ads_read', 'pages_show_list'] });
    const listed = (await (await graph(sim, `/${LUCIA}/permissions`, token)).json()) as { data: unknown[] };
    expect(listed.data).toEqual([{ permission: 'ads_read', status: 'granted' }, { permission: 'pages_show_list', status: 'granted' }]);
    expect(await (await graph(sim, '/me/permissions/ads_read', token, 'DELETE')).json()).toEqual({ success: true });
    expect((await graph(sim, '/me/adaccounts', token)).status).toBe(403);
    expect((await graph(sim, '/me', token)).status).toBe(200);
    expect(await errorOf(await graph(sim, '/10160987654321002/permissions', token))).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('debug_token needs input_token, answers is_valid false for unknown and dead tokens, and takes the app token as a bearer', async () => {
    const sim = createSimulatorTestClient('meta');
    const missing = await sim.get(`${GRAPH}/debug_token?access_token=${encodeURIComponent(`${clientId}|${clientSecret}`)}`);
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toBe('(#100) The parameter input_token is required');
    expect(await debug(sim, 'EAAunknown')).toEqual({ error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] });

    const token = userToken(sim, { ttlSec: 60 });
    sim.advance(61);
    const expired = await debug(sim, token);
    expect(expired).toMatchObject({ is_valid: false, type: 'USER', user_id: LUCIA, error: { code: 190, subcode: 463 } });
    expect(expired).not.toHaveProperty('profile_id');

    const viaBearer = await sim.get(`${GRAPH}/debug_token?input_token=${encodeURIComponent(userToken(sim))}`, { authorization: `Bearer ${clientId}|${clientSecret}` });
    expect(((await viaBearer.json()) as { data: { is_valid: boolean } }).data.is_valid).toBe(true);
    const orphan = await debug(sim, userToken(sim, { personaId: 'meta-gone' }));
    expect(orphan.is_valid).toBe(true);
    expect(orphan.user_id).toBeUndefined();
    expect((await sim.get(`${GRAPH}/debug_token?input_token=x`)).status).toBe(400);
  });
});
