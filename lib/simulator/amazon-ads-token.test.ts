import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { AMAZON_PERSONAS } from './personas';
import { seedGrant } from './seed';
import { createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

/** LWA token, tokeninfo, customer profile and Ads profiles refusals as a client sees them (providers.md §1, [AZ2]–[AZ19]). */
const { clientId, clientSecret } = SIMULATOR_CREDENTIALS['amazon-ads'];
const TOKEN = 'https://api.amazon.com/auth/o2/token';
const CLIENT = { client_id: clientId, client_secret: clientSecret };
const AVERY = AMAZON_PERSONAS.find((p) => p.id === 'amazon-avery')!;

async function code(sim: SimulatorTestClient, extra: Record<string, string> = {}) {
  const target = await sim.consent(
    'https://www.amazon.com/ap/oa',
    { client_id: clientId, scope: 'advertising::campaign_management profile', response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 's', ...extra },
    { personaId: 'amazon-avery' },
  );
  return target.searchParams.get('code') ?? '';
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('simulator Amazon token endpoint refusals', () => {
  it('names the missing parameter, refuses unreadable Basic credentials and a missing client, and an unknown grant type', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const cases: [Record<string, string>, Record<string, string>, number, string, string][] = [
      [{ ...CLIENT }, {}, 400, 'invalid_request', 'The request is missing a required parameter : grant_type'],
      [{ grant_type: 'refresh_token' }, { authorization: 'Basic %%%' }, 401, 'invalid_client', 'Client authentication failed'],
      [{ grant_type: 'refresh_token', client_secret: clientSecret }, {}, 401, 'invalid_client', 'Client authentication failed'],
      [{ grant_type: 'authorization_code', redirect_uri: TEST_REDIRECT_URI, ...CLIENT }, {}, 400, 'invalid_request', 'The request is missing a required parameter : code'],
      [{ grant_type: 'refresh_token', ...CLIENT }, {}, 400, 'invalid_request', 'The request is missing a required parameter : refresh_token'],
      [{ grant_type: 'client_credentials', ...CLIENT }, {}, 400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.'],
    ];
    for (const [form, headers, status, error, description] of cases) {
      const res = await sim.post(TOKEN, form, headers);
      expect(res.status, description).toBe(status);
      expect(await res.json(), description).toEqual({ error, error_description: description });
    }
  });

  it('names redirect_uri when the code was issued for another one, and code_verifier when a plain challenge does not match', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const value = await code(sim);
    const wrong = await sim.post(TOKEN, { grant_type: 'authorization_code', code: value, redirect_uri: 'http://elsewhere.test/cb', ...CLIENT });
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : redirect_uri' });

    // No code_challenge_method: plain, compared as is [AZ10].
    const plain = await code(sim, { code_challenge: 'c'.repeat(43) });
    const mismatch = await sim.post(TOKEN, { grant_type: 'authorization_code', code: plain, redirect_uri: TEST_REDIRECT_URI, code_verifier: 'd'.repeat(43), ...CLIENT });
    expect(await mismatch.json()).toEqual({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code_verifier' });
    const match = await sim.post(TOKEN, { grant_type: 'authorization_code', code: plain, redirect_uri: TEST_REDIRECT_URI, code_verifier: 'c'.repeat(43), ...CLIENT });
    expect(match.status).toBe(200);
  });

  it('an injected invalid_grant names the code on an exchange and the refresh token on a refresh [AZ18]', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    sim.setKnobs((k) => (k['amazon-ads'].failures = [{ kind: 'invalid_grant', count: 2 }]));
    const exchange = await sim.post(TOKEN, { grant_type: 'authorization_code', code: await code(sim), redirect_uri: TEST_REDIRECT_URI, ...CLIENT });
    expect(await exchange.json()).toEqual({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' });
    const refresh = await sim.post(TOKEN, { grant_type: 'refresh_token', refresh_token: 'Atzr|x', ...CLIENT });
    expect(((await refresh.json()) as { error_description: string }).error_description).toMatch(/refresh_token\. User may have revoked/);
  });

  it('never returns the refresh token on a refresh when the knob says omit', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    sim.setKnobs((k) => (k['amazon-ads'].refreshTokenOnRefresh = 'omit'));
    const { refreshToken } = seedGrant(sim.state, 'amazon-ads', { personaId: 'amazon-avery', scopes: ['advertising::campaign_management'] });
    for (let i = 0; i < 2; i++) {
      const body = (await (await sim.post(TOKEN, { grant_type: 'refresh_token', refresh_token: refreshToken, ...CLIENT })).json()) as Record<string, unknown>;
      expect(body.access_token).toMatch(/^Atza\|/);
      expect(body).not.toHaveProperty('refresh_token');
    }
  });
});

describe('simulator Amazon token info and profiles', () => {
  it('tokeninfo answers the audience and seconds left, from the query or a bearer header, and invalid_token for an unknown token', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const { accessToken } = seedGrant(sim.state, 'amazon-ads', { personaId: 'amazon-avery', scopes: ['profile'] });
    sim.advance(600);
    const info = await (await sim.get(`https://api.amazon.com/auth/o2/tokeninfo?access_token=${encodeURIComponent(accessToken)}`)).json();
    expect(info).toMatchObject({ aud: clientId, user_id: AVERY.userId, exp: 3000, iss: 'https://www.amazon.com' });
    expect(await (await sim.get('https://api.amazon.co.uk/auth/o2/tokeninfo', bearer(accessToken))).json()).toMatchObject({ exp: 3000 });
    const unknown = await sim.get('https://api.amazon.com/auth/o2/tokeninfo?access_token=Atza|nope');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe('invalid_token');
    const seeded = seedGrant(sim.state, 'amazon-ads', { personaId: 'amz-seeded', scopes: ['profile'] });
    expect(await (await sim.get('https://api.amazon.com/auth/o2/tokeninfo', bearer(seeded.accessToken))).json()).not.toHaveProperty('user_id');
  });

  it('the customer profile with profile:user_id only gives the user id; an unknown token is 401 invalid_token', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const { accessToken } = seedGrant(sim.state, 'amazon-ads', { personaId: 'amazon-avery', scopes: ['profile:user_id'] });
    expect(await (await sim.get('https://api.amazon.com/user/profile', bearer(accessToken))).json()).toEqual({ user_id: AVERY.userId });
    const unknown = await sim.get('https://api.amazon.com/user/profile', bearer('Atza|nope'));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: string }).error).toBe('invalid_token');
    const seeded = seedGrant(sim.state, 'amazon-ads', { personaId: 'amz-seeded', scopes: ['profile'] });
    expect((await sim.get('https://api.amazon.com/user/profile', bearer(seeded.accessToken))).status).toBe(403);
  });

  it('Ads profiles: 401 for an unknown token or without an advertising scope, the type filter applies, a seeded persona has none', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const headers = (token: string) => ({ ...bearer(token), 'amazon-advertising-api-clientid': clientId });
    const url = 'https://advertising-api.amazon.com/v2/profiles';
    const unknown = await sim.get(url, headers('Atza|nope'));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ code: 'UNAUTHORIZED', details: 'HTTP 401 Unauthorized' });
    const profileOnly = seedGrant(sim.state, 'amazon-ads', { personaId: 'amazon-avery', scopes: ['profile'] });
    expect(await (await sim.get(url, headers(profileOnly.accessToken))).json()).toEqual({ code: 'UNAUTHORIZED', details: 'Not authorized to access scope' });

    const ads = seedGrant(sim.state, 'amazon-ads', { personaId: 'amazon-avery', scopes: ['advertising::campaign_management'] });
    const types = new Set(AVERY.profiles.filter((p) => p.region === 'na').map((p) => p.accountInfo.type));
    for (const type of types) {
      const listed = (await (await sim.get(`${url}?profileTypeFilter=${type}`, headers(ads.accessToken))).json()) as { accountInfo: { type: string } }[];
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((p) => p.accountInfo.type === type)).toBe(true);
    }
    expect(await (await sim.get(`${url}?profileTypeFilter=agency`, headers(ads.accessToken))).json()).toEqual([]);
    const seeded = seedGrant(sim.state, 'amazon-ads', { personaId: 'amz-seeded', scopes: ['advertising::campaign_management'] });
    expect(await (await sim.get(url, headers(seeded.accessToken))).json()).toEqual([]);
  });
});
