import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

/** LinkedIn's token, revoke and introspection endpoints and /rest refusals, as a client sees them (providers.md §2, [LI1]–[LI14]). */
const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.linkedin;
const AUTHORIZE = 'https://www.linkedin.com/oauth/v2/authorization';
const TOKEN = 'https://www.linkedin.com/oauth/v2/accessToken';
const REVOKE = 'https://www.linkedin.com/oauth/v2/revoke';
const INTROSPECT = 'https://www.linkedin.com/oauth/v2/introspectToken';
const REST_HEADERS = { 'linkedin-version': '202603', 'x-restli-protocol-version': '2.0.0' };
const CLIENT = { client_id: clientId, client_secret: clientSecret };

type Tokens = { access_token: string; refresh_token?: string; expires_in: number };
type OAuthError = { error: string; error_description: string };

async function code(sim: SimulatorTestClient, scope = 'r_ads openid profile email', personaId = 'linkedin-maya') {
  const target = await sim.consent(AUTHORIZE, { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 's', scope }, { personaId });
  return target.searchParams.get('code') ?? '';
}
const exchange = (sim: SimulatorTestClient, form: Record<string, string>) => sim.post(TOKEN, form);
async function connect(sim: SimulatorTestClient, scope?: string, personaId?: string): Promise<Tokens> {
  const res = await exchange(sim, { grant_type: 'authorization_code', code: await code(sim, scope, personaId), redirect_uri: TEST_REDIRECT_URI, ...CLIENT });
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

describe('simulator LinkedIn token endpoint refusals', () => {
  it('names the missing parameter, refuses a wrong secret with 401 invalid_client and an unknown grant type', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const cases: [Record<string, string>, number, string, string][] = [
      [{ ...CLIENT }, 400, 'invalid_request', 'A required parameter "grant_type" is missing'],
      [{ grant_type: 'authorization_code', client_secret: clientSecret }, 400, 'invalid_request', 'A required parameter "client_id" is missing'],
      [{ grant_type: 'authorization_code', client_id: clientId }, 400, 'invalid_request', 'A required parameter "client_secret" is missing'],
      [{ grant_type: 'authorization_code', client_id: clientId, client_secret: 'wrong' }, 401, 'invalid_client', 'Client authentication failed'],
      [{ grant_type: 'authorization_code', redirect_uri: TEST_REDIRECT_URI, ...CLIENT }, 400, 'invalid_request', 'A required parameter "code" is missing'],
      [{ grant_type: 'authorization_code', code: 'abc', ...CLIENT }, 400, 'invalid_request', 'A required parameter "redirect_uri" is missing'],
      [{ grant_type: 'refresh_token', ...CLIENT }, 400, 'invalid_request', 'A required parameter "refresh_token" is missing'],
      [{ grant_type: 'client_credentials', ...CLIENT }, 400, 'unsupported_grant_type', 'The grant_type is not supported'],
    ];
    for (const [form, status, error, description] of cases) {
      const res = await exchange(sim, form);
      expect(res.status, description).toBe(status);
      expect(await res.json(), description).toMatchObject({ error, error_description: description });
    }
    expect(sim.state.stats.linkedin.tokenCalls.missing).toEqual({ invalid_request: 1 });
  });

  it('answers a code sent with another redirect_uri with invalid_redirect_uri, and keeps the code usable', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const value = await code(sim);
    const wrong = await exchange(sim, { grant_type: 'authorization_code', code: value, redirect_uri: 'http://evil.test/cb', ...CLIENT });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as OAuthError).error).toBe('invalid_redirect_uri');
    expect((await exchange(sim, { grant_type: 'authorization_code', code: value, redirect_uri: TEST_REDIRECT_URI, ...CLIENT })).status).toBe(200);
  });

  it('refuses a refresh with another app’s credentials (401), answers an unknown refresh token as dead (invalid_request) [LI2]', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    const res = await exchange(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'other-app', client_secret: clientSecret });
    expect(res.status).toBe(401);
    const ok = await exchange(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, ...CLIENT });
    expect(ok.status).toBe(200);
    const unknown = await exchange(sim, { grant_type: 'refresh_token', refresh_token: 'AQXnot-a-token', ...CLIENT });
    expect(await unknown.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('turning programmatic refresh on later gives an existing grant its refresh token at the next consent', async () => {
    const sim = createSimulatorTestClient('linkedin');
    sim.setKnobs((k) => (k.linkedin.programmaticRefresh = false));
    expect((await connect(sim)).refresh_token).toBeUndefined();
    sim.setKnobs((k) => (k.linkedin.programmaticRefresh = true));
    const again = await connect(sim);
    expect(again.refresh_token).toMatch(/\S/);
    expect((await exchange(sim, { grant_type: 'refresh_token', refresh_token: again.refresh_token!, ...CLIENT })).status).toBe(200);
  });
});

describe('simulator LinkedIn revoke and introspection', () => {
  it('revoking an access token ends only that token, not the grant [LI14]; bad client 401, missing token 400', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    expect((await sim.post(REVOKE, { client_id: clientId, client_secret: 'nope', token: tokens.access_token })).status).toBe(401);
    const missing = await sim.post(REVOKE, CLIENT);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request', error_description: 'A required parameter "token" is missing' });

    const res = await sim.post(REVOKE, { ...CLIENT, token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const info = await sim.get('https://api.linkedin.com/v2/userinfo', { authorization: `Bearer ${tokens.access_token}` });
    expect(await info.json()).toMatchObject({ status: 401, serviceErrorCode: 65602 });
    expect(sim.state.stats.linkedin.revocations.endpoint).toBe(1);
    expect((await exchange(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, ...CLIENT })).status).toBe(200);
    // An unknown token is accepted silently (RFC 7009).
    expect((await sim.post(REVOKE, { ...CLIENT, token: 'unknown' })).status).toBe(200);
  });

  it('introspects live, expired and unknown tokens, and tells an unknown app from a wrong secret', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const tokens = await connect(sim);
    const live = (await (await sim.post(INTROSPECT, { ...CLIENT, token: tokens.access_token })).json()) as Record<string, unknown>;
    expect(live).toMatchObject({ active: true, status: 'active', client_id: clientId, auth_type: '3L', scope: 'r_ads,openid,profile,email' });
    expect(live.expires_at).toBe(Math.floor(sim.state.now() / 1000) + tokens.expires_in);

    sim.advance(tokens.expires_in);
    expect(await (await sim.post(INTROSPECT, { ...CLIENT, token: tokens.access_token })).json()).toMatchObject({ active: false, status: 'expired' });
    expect(await (await sim.post(INTROSPECT, { ...CLIENT, token: 'unknown' })).json()).toEqual({ active: false });

    const unknownApp = await sim.post(INTROSPECT, { client_id: 'nobody', client_secret: 'x', token: tokens.access_token });
    expect(unknownApp.status).toBe(400);
    expect(await unknownApp.json()).toMatchObject({ error: 'invalid_request', error_description: 'The passed in client_id is invalid' });
    const wrongSecret = await sim.post(INTROSPECT, { client_id: clientId, client_secret: 'x', token: tokens.access_token });
    expect(wrongSecret.status).toBe(401);
  });
});

describe('simulator LinkedIn /v2 and /rest refusals', () => {
  it('answers an unknown token with 65600, a missing scope with 403, and userinfo without profile/email scopes with sub only', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const unknown = await sim.get('https://api.linkedin.com/v2/userinfo', { authorization: 'Bearer nope' });
    expect(await unknown.json()).toEqual({ message: 'Invalid access token', serviceErrorCode: 65600, status: 401 });
    const openidOnly = await connect(sim, 'openid');
    expect(await (await sim.get('https://api.linkedin.com/v2/userinfo', { authorization: `Bearer ${openidOnly.access_token}` })).json()).toEqual({ sub: 'mJ8r2Qx9Tb' });
    const forbidden = await sim.get('https://api.linkedin.com/rest/adAccounts?q=search', { ...REST_HEADERS, authorization: `Bearer ${openidOnly.access_token}` });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Not enough permissions to access: adAccounts.FINDER-search', serviceErrorCode: 100, status: 403 });
  });

  it('answers an inactive LinkedIn-Version with 426, other finders with 400, and lists all accounts without a status filter', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const { access_token: token } = await connect(sim);
    const auth = { authorization: `Bearer ${token}` };
    const old = await sim.get('https://api.linkedin.com/rest/adAccounts?q=search', { ...auth, ...REST_HEADERS, 'linkedin-version': '2026-03' });
    expect(old.status).toBe(426);
    expect(await old.json()).toEqual({ status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 2026-03 is not active' });
    expect((await sim.get('https://api.linkedin.com/rest/adAccounts?q=search', { ...auth, ...REST_HEADERS, 'linkedin-version': '202603.01' })).status).toBe(200);

    for (const url of ['https://api.linkedin.com/rest/adAccounts?q=criteria', 'https://api.linkedin.com/rest/adAccountUsers?q=accounts']) {
      const res = await sim.get(url, { ...auth, ...REST_HEADERS });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { message: string }).message, url).toMatch(/^Invalid finder/);
    }
    for (const url of ['https://api.linkedin.com/rest/adAccounts?q=search', 'https://api.linkedin.com/rest/adAccountUsers?q=authenticatedUser']) {
      expect((await sim.get(url, { authorization: 'Bearer nope', ...REST_HEADERS })).status, url).toBe(401);
    }
    expect((await sim.get('https://api.linkedin.com/rest/adAccounts?q=search', auth)).status).toBe(400);
    const all = (await (await sim.get('https://api.linkedin.com/rest/adAccounts?q=search', { ...auth, ...REST_HEADERS })).json()) as { elements: { id: number }[]; paging: { count: number; total: number } };
    expect(all.elements.map((a) => a.id)).toEqual([5123456, 5123457]);
    expect(all.paging).toMatchObject({ count: 10, total: 2 });
  });
});
