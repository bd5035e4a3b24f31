import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { basicAuth, createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.linkedin;
const AUTHORIZE = 'https://www.linkedin.com/oauth/v2/authorization';
const TOKEN = 'https://www.linkedin.com/oauth/v2/accessToken';
const SCOPES = 'r_ads r_ads_reporting openid profile email';
const DAY = 86_400;
const DEAD = { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' };
const REST_HEADERS = { 'linkedin-version': '202603', 'x-restli-protocol-version': '2.0.0' };

interface Tokens {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope: string;
}

async function authorize(sim: SimulatorTestClient, scope = SCOPES, personaId = 'linkedin-maya') {
  const target = await sim.consent(AUTHORIZE, { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 's1', scope }, { personaId });
  return target.searchParams.get('code') ?? '';
}

function exchange(sim: SimulatorTestClient, code: string, extra: Record<string, string> = {}) {
  return sim.post(TOKEN, { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI, client_id: clientId, client_secret: clientSecret, ...extra });
}

async function connect(sim: SimulatorTestClient, scope = SCOPES): Promise<Tokens> {
  const res = await exchange(sim, await authorize(sim, scope));
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

function refresh(sim: SimulatorTestClient, token: string) {
  return sim.post(TOKEN, { grant_type: 'refresh_token', refresh_token: token, client_id: clientId, client_secret: clientSecret });
}

describe('LinkedIn simulator', () => {
  it('redirects a cancelled consent with user_cancelled_authorize', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const target = await sim.consent(AUTHORIZE, { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 's1', scope: SCOPES }, { decision: 'deny' });
    expect(target.searchParams.get('error')).toBe('user_cancelled_authorize');
    expect(target.searchParams.get('error_description')).toBeTruthy();
    expect(target.searchParams.get('state')).toBe('s1');
  });

  it('refuses comma-joined scopes at the consent (scopes are space-delimited)', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const target = await sim.consent(AUTHORIZE, { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, scope: 'r_ads,openid' });
    expect(target.searchParams.get('error')).toBe('unauthorized_scope_error');
  });

  it('issues 60-day tokens with a refresh token for a year and comma-separated scope', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^AQ/),
      expires_in: 5_184_000,
      refresh_token: expect.stringMatching(/^AQ/),
      refresh_token_expires_in: 31_536_000,
      scope: 'r_ads,r_ads_reporting,openid,profile,email',
    });
    expect(tokens).not.toHaveProperty('token_type');
  });

  it('separates scopes with spaces when the knob says so', async () => {
    const sim = createSimulatorTestClient('linkedin');
    sim.setKnobs((k) => (k.linkedin.scopeSeparator = ' '));
    expect((await connect(sim)).scope).toBe(SCOPES);
  });

  it('issues no refresh token without programmatic refresh', async () => {
    const sim = createSimulatorTestClient('linkedin');
    sim.setKnobs((k) => (k.linkedin.programmaticRefresh = false));
    const tokens = await connect(sim);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.refresh_token_expires_in).toBeUndefined();
  });

  it('breaks the exchange when a PKCE code_verifier is sent', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const res = await exchange(sim, await authorize(sim), { code_verifier: 'x'.repeat(43) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_redirect_uri');
  });

  it('reads client credentials from the body only', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const code = await authorize(sim);
    const basicOnly = await sim.post(TOKEN, { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI }, basicAuth('linkedin'));
    expect(basicOnly.status).toBe(400);
    expect(await basicOnly.json()).toEqual({ error: 'invalid_request', error_description: 'A required parameter "client_id" is missing' });
    const wrong = await exchange(sim, code, { client_secret: 'nope' });
    expect(wrong.status).toBe(401);
  });

  it('lets a code live 30 minutes, once', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const code = await authorize(sim);
    sim.advance(29 * 60);
    expect((await exchange(sim, code)).status).toBe(200);
    const reused = await exchange(sim, code);
    expect(reused.status).toBe(401);
    expect((await reused.json()).error).toBe('invalid_request');

    const late = await authorize(sim);
    sim.advance(30 * 60 + 1);
    const expired = await exchange(sim, late);
    expect(expired.status).toBe(400);
    expect((await expired.json()).error).toBe('invalid_redirect_uri');
  });

  it('counts the refresh token’s year from the first consent, through refreshes and re-consent', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const first = await connect(sim);
    sim.advance(59 * DAY);
    const refreshed = (await (await refresh(sim, first.refresh_token!)).json()) as Tokens;
    expect(refreshed.refresh_token).toBe(first.refresh_token);
    expect(refreshed.refresh_token_expires_in).toBe(306 * DAY);
    expect(refreshed.access_token).not.toBe(first.access_token);

    sim.advance(41 * DAY); // day 100: the member consents again
    const again = await connect(sim);
    expect(again.refresh_token).toBe(first.refresh_token);
    expect(again.refresh_token_expires_in).toBe(265 * DAY);

    sim.advance(265 * DAY);
    const dead = await refresh(sim, first.refresh_token!);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual(DEAD);
  });

  it('revokes the grant through /oauth/v2/revoke', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    const res = await sim.post('https://www.linkedin.com/oauth/v2/revoke', { client_id: clientId, client_secret: clientSecret, token: tokens.refresh_token! });
    expect(res.status).toBe(200);
    expect(await (await refresh(sim, tokens.refresh_token!)).json()).toEqual(DEAD);
    const info = await sim.get('https://api.linkedin.com/v2/userinfo', { authorization: `Bearer ${tokens.access_token}` });
    expect(info.status).toBe(401);
    expect(await info.json()).toMatchObject({ status: 401, serviceErrorCode: 65602 });
    expect(sim.state.stats.linkedin.revocations.endpoint).toBe(1);
  });

  it('invalidates earlier access tokens when a different scope set is granted', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const first = await connect(sim);
    await connect(sim, 'r_ads openid');
    const info = await sim.get('https://api.linkedin.com/v2/userinfo', { authorization: `Bearer ${first.access_token}` });
    expect(info.status).toBe(401);
  });

  it('serves userinfo', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    const info = await (await sim.get('https://api.linkedin.com/v2/userinfo', { authorization: `Bearer ${tokens.access_token}` })).json();
    expect(info).toMatchObject({ sub: 'mJ8r2Qx9Tb', name: 'Maya Lindqvist', given_name: 'Maya', family_name: 'Lindqvist', email: 'maya.lindqvist@example.com', email_verified: true, locale: 'en-US' });
    expect(info.picture).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it('requires LinkedIn-Version and Rest.li 2.0 on /rest and lists ad accounts', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    const noVersion = await sim.get('https://api.linkedin.com/rest/adAccountUsers?q=authenticatedUser', { ...auth, 'x-restli-protocol-version': '2.0.0' });
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).code).toBe('VERSION_MISSING');
    const noProtocol = await sim.get('https://api.linkedin.com/rest/adAccountUsers?q=authenticatedUser', { ...auth, 'linkedin-version': '202603' });
    expect(noProtocol.status).toBe(400);

    const users = await (await sim.get('https://api.linkedin.com/rest/adAccountUsers?q=authenticatedUser', { ...auth, ...REST_HEADERS })).json();
    expect(users.elements).toHaveLength(2);
    expect(users.elements[0]).toMatchObject({ account: 'urn:li:sponsoredAccount:5123456', role: 'ACCOUNT_MANAGER', user: 'urn:li:person:mJ8r2Qx9Tb' });
    expect(users.paging).toMatchObject({ start: 0, total: 2 });

    const search = encodeURIComponent('(status:(values:List(ACTIVE)))');
    const accounts = await (await sim.get(`https://api.linkedin.com/rest/adAccounts?q=search&search=${search}`, { ...auth, ...REST_HEADERS })).json();
    expect(accounts.elements[0]).toEqual({
      id: 5123456, name: 'Northwind Brand Awareness', currency: 'USD', status: 'ACTIVE', type: 'BUSINESS',
      reference: 'urn:li:organization:2414183', test: false, servingStatuses: ['RUNNABLE'],
    });
    const cancelled = encodeURIComponent('(status:(values:List(CANCELED)))');
    const none = await (await sim.get(`https://api.linkedin.com/rest/adAccounts?q=search&search=${cancelled}`, { ...auth, ...REST_HEADERS })).json();
    expect(none.elements).toEqual([]);
  });

  it('answers /rest without a token or with an expired one in LinkedIn’s error shape', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const missing = await sim.get('https://api.linkedin.com/rest/adAccountUsers?q=authenticatedUser', REST_HEADERS);
    expect(await missing.json()).toEqual({ message: 'Empty oauth2_access_token', serviceErrorCode: 401, status: 401 });
    const tokens = await connect(sim);
    sim.advance(60 * DAY);
    const expired = await sim.get('https://api.linkedin.com/rest/adAccountUsers?q=authenticatedUser', { ...REST_HEADERS, authorization: `Bearer ${tokens.access_token}` });
    expect(expired.status).toBe(401);
    expect((await expired.json()).serviceErrorCode).toBe(65601);
  });
});
