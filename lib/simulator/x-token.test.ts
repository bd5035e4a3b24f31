import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { seedGrant } from './seed';
import { basicAuth, createSimulatorTestClient, TEST_REDIRECT_URI } from './test-client';

/** X token, revoke and /2/users/me refusals as a client sees them (providers.md §3, [X2][X3][X7][X9][X10]). */
const { clientId } = SIMULATOR_CREDENTIALS.x;
const TOKEN = 'https://api.x.com/2/oauth2/token';
const REVOKE = 'https://api.x.com/2/oauth2/revoke';
const ME = 'https://api.x.com/2/users/me';
const NO_AUTH = { error: 'unauthorized_client', error_description: 'Missing valid authorization header' };
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

describe('simulator X token endpoint refusals', () => {
  it('tells an unknown client (invalid_client) from a wrong secret or a body client_id that differs from Basic (unauthorized_client)', async () => {
    const sim = createSimulatorTestClient('x');
    const form = { grant_type: 'refresh_token', refresh_token: 'x' };
    const unknown = await sim.post(TOKEN, form, basic('someone-else', 'secret'));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ error: 'invalid_client', error_description: 'Missing valid authorization header' });
    expect(await (await sim.post(TOKEN, form, basicAuth('x', 'wrong'))).json()).toEqual(NO_AUTH);
    expect(await (await sim.post(TOKEN, { ...form, client_id: 'other' }, basicAuth('x'))).json()).toEqual(NO_AUTH);
    expect(await (await sim.post(TOKEN, form, { authorization: 'Basic %%%' })).json()).toEqual(NO_AUTH);
    // Basic credentials are form-urlencoded (RFC 6749 §2.3.1): a broken escape is unreadable, not a client id.
    expect(await (await sim.post(TOKEN, form, basic('%E0%A4%A', 'secret'))).json()).toEqual(NO_AUTH);
  });

  it('names each missing parameter as X does, and refuses an unknown grant type', async () => {
    const sim = createSimulatorTestClient('x');
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: 'authorization_code', redirect_uri: TEST_REDIRECT_URI, code_verifier: 'v' }, 'Missing required parameter [code].'],
      [{ grant_type: 'authorization_code', code: 'c', code_verifier: 'v' }, 'Missing required parameter [redirect_uri].'],
      [{ grant_type: 'authorization_code', code: 'c', redirect_uri: TEST_REDIRECT_URI }, 'Missing required parameter [code_verifier].'],
      [{ grant_type: 'refresh_token' }, 'Missing required parameter [refresh_token].'],
      [{}, 'Value passed for the grant type was invalid. Grant type should be one of [authorization_code, refresh_token].'],
    ];
    for (const [form, description] of cases) {
      const res = await sim.post(TOKEN, form, basicAuth('x'));
      expect(res.status, description).toBe(400);
      expect(await res.json(), description).toEqual({ error: 'invalid_request', error_description: description });
    }
    expect(sim.state.stats.x.tokenCalls.missing).toEqual({ invalid_request: 1 });
  });

  it('an injected invalid_grant reads as a bad code on an exchange', async () => {
    const sim = createSimulatorTestClient('x');
    sim.setKnobs((k) => (k.x.failures = [{ kind: 'invalid_grant', count: 1 }]));
    const res = await sim.post(TOKEN, { grant_type: 'authorization_code', code: 'c', redirect_uri: TEST_REDIRECT_URI, code_verifier: 'v', client_id: clientId }, basicAuth('x'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
  });
});

describe('simulator X revoke and /2/users/me', () => {
  it('revoking an access token ends only that token; the refresh token still works; missing token 400, bad client 401', async () => {
    const sim = createSimulatorTestClient('x');
    const { accessToken, refreshToken } = seedGrant(sim.state, 'x', { personaId: 'x-riley', scopes: ['tweet.read', 'users.read', 'offline.access'] });
    expect((await sim.post(REVOKE, { token: accessToken }, basicAuth('x', 'wrong'))).status).toBe(401);
    const missing = await sim.post(REVOKE, {}, basicAuth('x'));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter [token].' });

    expect(await (await sim.post(REVOKE, { token: accessToken }, basicAuth('x'))).json()).toEqual({ revoked: true });
    expect((await sim.get(ME, { authorization: `Bearer ${accessToken}` })).status).toBe(401);
    expect(sim.state.stats.x.revocations.endpoint).toBe(1);
    expect((await sim.post(TOKEN, { grant_type: 'refresh_token', refresh_token: refreshToken }, basicAuth('x'))).status).toBe(200);
  });

  it('/2/users/me answers 403 Problem JSON without users.read, or for a token whose user is not a persona', async () => {
    const sim = createSimulatorTestClient('x');
    const noUsers = seedGrant(sim.state, 'x', { personaId: 'x-riley', scopes: ['tweet.read'] });
    const forbidden = await sim.get(ME, { authorization: `Bearer ${noUsers.accessToken}` });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
    const seeded = seedGrant(sim.state, 'x', { personaId: 'x-seeded', scopes: ['tweet.read', 'users.read'] });
    expect((await sim.get(ME, { authorization: `Bearer ${seeded.accessToken}` })).status).toBe(403);
    const ok = await sim.get(ME, { authorization: `Bearer ${seedGrant(sim.state, 'x', { personaId: 'x-sam', scopes: ['tweet.read', 'users.read'] }).accessToken}` });
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('74');
    expect(await ok.json()).toEqual({ data: { id: '1590347712845516802', name: 'Sam Okoro', username: 'samokoro_ads' } });
  });
});
