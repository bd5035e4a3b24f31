import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { handleSimulatorRequest } from './handler';
import { seedGrant } from './seed';
import { createSimulatorState } from './state';
import { basicAuth, createSimulatorTestClient, TEST_ORIGIN, TEST_REDIRECT_URI } from './test-client';

/** What every simulated call goes through: routing, the call log, pruning, and the admin revoke's account matching. */
describe('simulator plumbing', () => {
  it('answers a path outside /api/simulator/ with 404', async () => {
    const res = await handleSimulatorRequest(createSimulatorState(), new Request('http://sim.test/elsewhere'), { admin: 'open', redirectUris: () => [] });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  it('reports its own failure as a 500 simulator_error rather than dressing it up as the provider', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const { accessToken } = seedGrant(sim.state, 'amazon-ads', { personaId: 'amz-seeded', scopes: ['advertising::campaign_management'] });
    const res = await sim.get('https://advertising-api.amazon.com/reporting/reports/%E0%A4%A', {
      authorization: `Bearer ${accessToken}`,
      'amazon-advertising-api-clientid': SIMULATOR_CREDENTIALS['amazon-ads'].clientId,
      'amazon-advertising-api-scope': '1',
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'simulator_error', error_description: 'URI malformed' });
  });

  it('keeps only the last 100 calls in the log an operator reads', async () => {
    const sim = createSimulatorTestClient('x');
    // The oldest call (a 405 on the revoke endpoint) falls out of the log once 100 more arrive.
    await sim.get('https://api.x.com/2/oauth2/revoke');
    expect(sim.state.stats.x.recentCalls[0]).toMatchObject({ endpoint: 'api.x.com/2/oauth2/revoke', status: 405 });
    for (let i = 0; i < 100; i++) await sim.get('https://api.x.com/2/users/me');
    const log = sim.state.stats.x.recentCalls;
    expect(log).toHaveLength(100);
    expect(log.every((c) => c.endpoint === 'api.x.com/2/users/me' && c.status === 401)).toBe(true);
  });

  it('forgets codes and tokens dead for over a day, so a demo left running does not grow', async () => {
    const sim = createSimulatorTestClient('x');
    const { accessToken } = seedGrant(sim.state, 'x', { personaId: 'x-riley', scopes: ['tweet.read', 'users.read'], accessTtlSec: 60 });
    const live = seedGrant(sim.state, 'x', { personaId: 'x-sam', scopes: ['tweet.read', 'users.read'], accessTtlSec: 10 * 86_400 });
    sim.advance(86_400 + 120);
    await sim.get('https://api.x.com/2/users/me');
    expect(sim.state.accessTokens.has(accessToken)).toBe(false);
    expect(sim.state.accessTokens.has(live.accessToken)).toBe(true);
  });

  it('forgets a rotated-away refresh token a week after it was spent, and keeps the live one', async () => {
    const sim = createSimulatorTestClient('x');
    const { refreshToken } = seedGrant(sim.state, 'x', { personaId: 'x-riley', scopes: ['tweet.read', 'offline.access'] });
    const rotated = (await (await sim.post('https://api.x.com/2/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, basicAuth('x'))).json()) as { refresh_token: string };
    sim.advance(6 * 86_400);
    await sim.get('https://api.x.com/2/users/me');
    expect(sim.state.refreshTokens.has(refreshToken)).toBe(true);
    sim.advance(2 * 86_400);
    await sim.get('https://api.x.com/2/users/me');
    expect(sim.state.refreshTokens.has(refreshToken)).toBe(false);
    expect(sim.state.refreshTokens.has(rotated.refresh_token)).toBe(true);
  });

  it('an X exchange with a verifier too short for RFC 7636 fails like a wrong one', async () => {
    const sim = createSimulatorTestClient('x');
    const target = await sim.consent('https://x.com/i/oauth2/authorize', {
      response_type: 'code', client_id: SIMULATOR_CREDENTIALS.x.clientId, redirect_uri: TEST_REDIRECT_URI, scope: 'users.read', code_challenge: 'short', code_challenge_method: 'plain',
    });
    const res = await sim.post('https://api.x.com/2/oauth2/token', { grant_type: 'authorization_code', code: target.searchParams.get('code')!, redirect_uri: TEST_REDIRECT_URI, code_verifier: 'short' }, basicAuth('x'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
  });

  it('reads a JSON body’s fields as the form parameters, and an unparsable or non-object JSON body as none', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const { refreshToken } = seedGrant(sim.state, 'amazon-ads', { personaId: 'amazon-avery', scopes: ['profile'] });
    const { clientId, clientSecret } = SIMULATOR_CREDENTIALS['amazon-ads'];
    const post = (body: string) => sim.fetch(sim.url('https://api.amazon.com/auth/o2/token'), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const ok = await post(JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret }));
    expect(ok.status).toBe(200);
    for (const body of ['{"grant_type":', '"refresh_token"']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error_description: string }).error_description).toBe('The request is missing a required parameter : grant_type');
    }
  });

  it('LinkedIn introspection without a client secret is 401 invalid_client', async () => {
    const sim = createSimulatorTestClient('linkedin');
    const res = await sim.post('https://www.linkedin.com/oauth/v2/introspectToken', { client_id: SIMULATOR_CREDENTIALS.linkedin.clientId, token: 'x' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('the admin revoke matches a named persona by any identifier, but never a seeded grant (no identifiers)', async () => {
    const sim = createSimulatorTestClient('x');
    const revoke = (provider: string, externalAccountId: string) =>
      sim.fetch(`${TEST_ORIGIN}/api/simulator/_admin/revoke`, { method: 'POST', body: JSON.stringify({ provider, externalAccountId }) });
    const seeded = { 'amazon-ads': 'amz-seed-0', linkedin: 'li-seed-0', x: 'x-seed-0' } as const;
    for (const [provider, personaId] of Object.entries(seeded) as [keyof typeof seeded, string][]) {
      seedGrant(sim.state, provider, { personaId, scopes: [] });
      expect((await revoke(provider, personaId)).status, provider).toBe(404);
    }
    const meta = { id: 'g-meta', provider: 'meta' as const, clientId: SIMULATOR_CREDENTIALS.meta.clientId, personaId: 'meta-seed-0', scopes: [], consentedAt: 0, refreshCount: 0 };
    sim.state.grants.set(meta.id, meta);
    expect((await revoke('meta', 'meta-seed-0')).status).toBe(404);
    seedGrant(sim.state, 'linkedin', { personaId: 'linkedin-maya', scopes: [] });
    expect(await (await revoke('linkedin', 'urn:li:sponsoredAccount:5123457')).json()).toEqual({ revokedGrants: 1 });
    seedGrant(sim.state, 'x', { personaId: 'x-riley', scopes: [] });
    expect(await (await revoke('x', '@riley_ships')).json()).toEqual({ revokedGrants: 1 });
  });
});
