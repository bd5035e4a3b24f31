import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { revokeByExternalId } from './admin';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.meta;
const DIALOG = 'https://www.facebook.com/v25.0/dialog/oauth';
const GRAPH = 'https://graph.facebook.com/v25.0';
const SCOPES = 'ads_read,business_management,pages_show_list,instagram_basic,public_profile';

async function authorize(sim: SimulatorTestClient, extra: Record<string, string> = {}, personaId = 'meta-lucia') {
  const target = await sim.consent(DIALOG, { client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 'ms', response_type: 'code', scope: SCOPES, ...extra }, { personaId });
  return target.searchParams.get('code') ?? '';
}

function exchange(sim: SimulatorTestClient, code: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: TEST_REDIRECT_URI, client_secret: clientSecret, code, ...extra });
  return sim.get(`${GRAPH}/oauth/access_token?${q}`);
}

async function shortLived(sim: SimulatorTestClient, personaId = 'meta-lucia'): Promise<string> {
  const res = await exchange(sim, await authorize(sim, {}, personaId));
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function longLived(sim: SimulatorTestClient, token: string) {
  const q = new URLSearchParams({ grant_type: 'fb_exchange_token', client_id: clientId, client_secret: clientSecret, fb_exchange_token: token });
  return sim.get(`${GRAPH}/oauth/access_token?${q}`);
}

const graph = (sim: SimulatorTestClient, path: string, token: string) =>
  sim.get(`${GRAPH}${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`);

describe('Meta simulator', () => {
  it('redirects a denial with Meta’s error parameters', async () => {
    const sim = createSimulatorTestClient('meta');
    const target = await sim.consent(DIALOG, { client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 'ms', scope: SCOPES }, { decision: 'deny' });
    expect(target.search).toBe('?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=ms');
  });

  it('redirects an approval with code and state, and accepts any Graph version', async () => {
    const sim = createSimulatorTestClient('meta');
    const target = await sim.consent('https://www.facebook.com/v22.0/dialog/oauth', { client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 'ms', scope: SCOPES });
    expect(target.searchParams.get('code')).toMatch(/^AQ/);
    expect(target.searchParams.get('state')).toBe('ms');
    expect(target.hash).toBe('#_=_');
  });

  it('exchanges a code for a short-lived bearer token without refresh token', async () => {
    const sim = createSimulatorTestClient('meta');
    const res = await exchange(sim, await authorize(sim));
    expect(await res.json()).toEqual({ access_token: expect.stringMatching(/^EAA[A-Za-z0-9]+$/), token_type: 'bearer', expires_in: 5400 });
  });

  it('also accepts the exchange as a POST', async () => {
    const sim = createSimulatorTestClient('meta');
    const res = await sim.post(`${GRAPH}/oauth/access_token`, { client_id: clientId, client_secret: clientSecret, redirect_uri: TEST_REDIRECT_URI, code: await authorize(sim) });
    expect(res.status).toBe(200);
  });

  it('fails the exchange that carries a code_verifier, as the classic dialog ignored the challenge', async () => {
    const sim = createSimulatorTestClient('meta');
    const code = await authorize(sim, { code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
    const res = await exchange(sim, code, { code_verifier: 'v'.repeat(43) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      message: 'code_verifier param is provided without a code_challenge in authorization request.',
      type: 'OAuthException',
    });
  });

  it('refuses a reused code with 100/36009 and a wrong secret with code 1', async () => {
    const sim = createSimulatorTestClient('meta');
    const code = await authorize(sim);
    expect((await exchange(sim, code, { client_secret: 'wrong' })).status).toBe(400);
    expect((await exchange(sim, code)).status).toBe(200);
    const reused = await exchange(sim, code);
    expect(reused.status).toBe(400);
    expect((await reused.json()).error).toMatchObject({ message: 'This authorization code has been used.', type: 'OAuthException', code: 100, error_subcode: 36009, fbtrace_id: expect.any(String) });
    expect(reused.headers.get('www-authenticate')).toContain('invalid_code');
  });

  it('exchanges for a long-lived token, but not once the short-lived one has expired', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    const res = await longLived(sim, token);
    expect(await res.json()).toEqual({ access_token: expect.stringMatching(/^EAA/), token_type: 'bearer', expires_in: 5_183_944 });
    sim.advance(5400);
    const late = await longLived(sim, token);
    expect(late.status).toBe(400);
    expect((await late.json()).error).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
  });

  it('serves /me, Pages with their tokens and Instagram account, and ad accounts', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    expect(await (await graph(sim, '/me?fields=id,name', token)).json()).toEqual({ id: '10160987654321001', name: 'Lucía Fernández' });

    const pages = await (await graph(sim, '/me/accounts?fields=id,name,access_token,tasks,instagram_business_account', token)).json();
    expect(pages.data).toHaveLength(2);
    expect(pages.data[0]).toEqual({
      id: '104567890123451', name: 'Casa Lucía Bakery', access_token: expect.stringMatching(/^EAA/), tasks: expect.arrayContaining(['ADVERTISE']),
      instagram_business_account: { id: '17841405822304914' },
    });
    expect(pages.data[1]).not.toHaveProperty('instagram_business_account');
    expect(pages.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });

    const pageToken = pages.data[0].access_token as string;
    expect(await (await graph(sim, '/104567890123451?fields=instagram_business_account', pageToken)).json()).toEqual({
      instagram_business_account: { id: '17841405822304914' }, id: '104567890123451',
    });
    expect(await (await graph(sim, '/104567890123452?fields=instagram_business_account', token)).json()).toEqual({ id: '104567890123452' });
    // Field expansion gives the username, which a person recognises (only `id` without it).
    const expanded = await (await graph(sim, '/me/accounts?fields=id,name,instagram_business_account{id,username}', token)).json();
    expect(expanded.data[0].instagram_business_account).toEqual({ id: '17841405822304914', username: 'casalucia.bakery' });

    const ads = await (await graph(sim, '/me/adaccounts?fields=id,account_id,name,currency,account_status,timezone_name', token)).json();
    expect(ads.data[0]).toEqual({ id: 'act_1234567890123451', account_id: '1234567890123451', name: 'Casa Lucía – Always On', currency: 'EUR', account_status: 1, timezone_name: 'Europe/Madrid' });
  });

  it('checks an appsecret_proof when one is sent', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    const proof = createHmac('sha256', clientSecret).update(token).digest('hex');
    expect((await graph(sim, `/me?appsecret_proof=${proof}`, token)).status).toBe(200);
    const wrong = await graph(sim, `/me?appsecret_proof=${'0'.repeat(64)}`, token);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatchObject({ code: 100, message: 'Invalid appsecret_proof provided in the API argument' });
  });

  it('takes the token from the Authorization header, with an optional appsecret_proof it verifies', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    const bearer = { authorization: `Bearer ${token}` };
    expect(await (await sim.get(`${GRAPH}/me?fields=id`, bearer)).json()).toEqual({ id: '10160987654321001' });
    const proof = createHmac('sha256', clientSecret).update(token).digest('hex');
    expect((await sim.get(`${GRAPH}/me/adaccounts?appsecret_proof=${proof}`, bearer)).status).toBe(200);
    const wrong = await sim.get(`${GRAPH}/me?appsecret_proof=${createHmac('sha256', 'not-the-secret').update(token).digest('hex')}`, bearer);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatchObject({ code: 100, message: 'Invalid appsecret_proof provided in the API argument' });
    const revoke = await sim.fetch(sim.url(`${GRAPH}/me/permissions?appsecret_proof=${proof}`), { method: 'DELETE', headers: bearer });
    expect(await revoke.json()).toEqual({ success: true });
  });

  it('with "Require App Secret" on, refuses Graph calls without appsecret_proof [M17]', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    sim.setKnobs((k) => (k.meta.requireAppSecretProof = true));
    const bearer = { authorization: `Bearer ${token}` };
    const missing = await sim.get(`${GRAPH}/me`, bearer);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ code: 100, message: 'API calls from the server require an appsecret_proof argument' });
    const proof = createHmac('sha256', clientSecret).update(token).digest('hex');
    expect((await sim.get(`${GRAPH}/me?appsecret_proof=${proof}`, bearer)).status).toBe(200);
  });

  it('answers an unknown token and an expired one with code 190', async () => {
    const sim = createSimulatorTestClient('meta');
    const unknown = await graph(sim, '/me', 'EAAnothing');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.code).toBe(190);
    const token = await shortLived(sim);
    sim.advance(5400);
    expect((await (await graph(sim, '/me', token)).json()).error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('debug_token reports a token with the app token', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    const q = new URLSearchParams({ input_token: token, access_token: `${clientId}|${clientSecret}` });
    const body = await (await sim.get(`${GRAPH}/debug_token?${q}`)).json();
    expect(body.data).toMatchObject({ app_id: clientId, type: 'USER', is_valid: true, user_id: '10160987654321001', scopes: SCOPES.split(',') });
    expect(body.data.expires_at).toBe(Math.floor(sim.state.now() / 1000) + 5400);
    const wrongApp = new URLSearchParams({ input_token: token, access_token: `${clientId}|nope` });
    expect((await sim.get(`${GRAPH}/debug_token?${wrongApp}`)).status).toBe(400);
  });

  it('DELETE /me/permissions ends the grant: tokens answer 190 and cannot be exchanged', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    const res = await sim.fetch(sim.url(`${GRAPH}/me/permissions?access_token=${encodeURIComponent(token)}`), { method: 'DELETE' });
    expect(await res.json()).toEqual({ success: true });
    const after = await (await graph(sim, '/me', token)).json();
    expect(after.error).toMatchObject({ code: 190, error_subcode: 458 });
    expect((await longLived(sim, token)).status).toBe(400);
  });

  it('a user changing their password (admin revoke) gives 190/460', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    revokeByExternalId(sim.state, { provider: 'meta', externalAccountId: '10160987654321001', reason: 'password_changed' });
    expect((await (await graph(sim, '/me', token)).json()).error).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('throttles Graph calls with usage headers and no Retry-After when the knob is set', async () => {
    const sim = createSimulatorTestClient('meta');
    const token = await shortLived(sim);
    sim.setKnobs((k) => (k.meta.graphThrottle = { code: 17, count: 1 }));
    const throttled = await graph(sim, '/me', token);
    expect(throttled.status).toBe(400);
    expect((await throttled.json()).error.code).toBe(17);
    expect(throttled.headers.get('x-app-usage')).toContain('call_count');
    expect(throttled.headers.get('x-business-use-case-usage')).toContain('estimated_time_to_regain_access');
    expect(throttled.headers.has('retry-after')).toBe(false);
    expect((await graph(sim, '/me', token)).status).toBe(200);
  });
});
