import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { basicAuth, createSimulatorTestClient, TEST_ORIGIN, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

const { clientId } = SIMULATOR_CREDENTIALS.x;
const admin = (sim: SimulatorTestClient, action: string, body?: unknown) =>
  sim.fetch(`${TEST_ORIGIN}/api/simulator/_admin/${action}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Connects x-riley through consent and code exchange (plain PKCE); returns the token response. */
async function connectX(sim: SimulatorTestClient) {
  const verifier = 'p'.repeat(43);
  const query = { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, scope: 'tweet.read users.read offline.access', code_challenge: verifier, code_challenge_method: 'plain' };
  const code = (await sim.consent('https://x.com/i/oauth2/authorize', query)).searchParams.get('code')!;
  const res = await sim.post('https://api.x.com/2/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier }, basicAuth('x'));
  return (await res.json()) as { access_token: string; refresh_token: string };
}

const refreshX = (sim: SimulatorTestClient, token: string) =>
  sim.post('https://api.x.com/2/oauth2/token', { grant_type: 'refresh_token', refresh_token: token }, basicAuth('x'));

describe('simulator admin API and stats', () => {
  it('reports knobs, stats and grants without any token value', async () => {
    const sim = createSimulatorTestClient('x');
    const tokens = await connectX(sim);
    await refreshX(sim, tokens.refresh_token);
    await refreshX(sim, tokens.refresh_token); // spent: rotation
    const res = await admin(sim, 'state');
    const text = await res.text();
    for (const secret of [tokens.access_token, tokens.refresh_token, SIMULATOR_CREDENTIALS.x.clientSecret]) expect(text).not.toContain(secret);
    const body = JSON.parse(text);
    expect(body.knobs.x.accessTokenTtlSec).toBe(7200);
    expect(body.stats.x.tokenCalls).toEqual({ authorization_code: { ok: 1 }, refresh_token: { ok: 1, invalid_request: 1 } });
    expect(body.stats.x.recentCalls.map((c: { endpoint: string }) => c.endpoint)).toContain('api.x.com/2/oauth2/token');
    expect(body.grants).toEqual([expect.objectContaining({ provider: 'x', personaId: 'x-riley', refreshCount: 1, revoked: null })]);
  });

  it('never logs a query string (Meta puts tokens there)', async () => {
    const sim = createSimulatorTestClient('meta');
    await sim.get('https://graph.facebook.com/v25.0/me?access_token=EAAsecret-looking');
    expect(JSON.stringify(sim.state.stats)).not.toContain('EAAsecret-looking');
    expect(sim.state.stats.meta.recentCalls[0]).toMatchObject({ endpoint: 'graph.facebook.com/v25.0/me', status: 400 });
  });

  it('changes knobs through POST knobs and refuses invalid ones', async () => {
    const sim = createSimulatorTestClient('x');
    const res = await admin(sim, 'knobs', { all: { accessTokenTtlSec: 120 }, x: { failures: [{ kind: 'server_error' }] } });
    expect(res.status).toBe(200);
    expect(sim.state.knobs.linkedin.accessTokenTtlSec).toBe(120);
    expect(sim.state.knobs.meta.longLivedTtlSec).toBe(120);
    expect(sim.state.knobs.x.failures).toEqual([{ kind: 'server_error', count: 1 }]);

    const bad = await admin(sim, 'knobs', { x: { accessTokenTtlSec: -5 } });
    expect(bad.status).toBe(400);
    expect((await admin(sim, 'knobs', { nonsense: true })).status).toBe(400);
    expect(sim.state.knobs.x.accessTokenTtlSec).toBe(120);
  });

  it('issues tokens with the TTL knob', async () => {
    const sim = createSimulatorTestClient('x');
    await admin(sim, 'knobs', { x: { accessTokenTtlSec: 60 } });
    const tokens = await connectX(sim);
    expect(JSON.stringify(tokens)).toContain('"expires_in":60');
    sim.advance(60);
    expect((await sim.get('https://api.x.com/2/users/me', { authorization: `Bearer ${tokens.access_token}` })).status).toBe(401);
  });

  it('revokes a grant from outside, so the next refresh gets the permanent error', async () => {
    const sim = createSimulatorTestClient('x');
    const tokens = await connectX(sim);
    const res = await admin(sim, 'revoke', { provider: 'x', externalAccountId: '1468021597370163201' });
    expect(await res.json()).toEqual({ revokedGrants: 1 });
    const refresh = await refreshX(sim, tokens.refresh_token);
    expect(refresh.status).toBe(400);
    expect(sim.state.stats.x.revocations.admin).toBe(1);
    expect((await admin(sim, 'revoke', { provider: 'x', externalAccountId: '1468021597370163201' })).status).toBe(404);
    expect((await admin(sim, 'revoke', { provider: 'nope', externalAccountId: 'x' })).status).toBe(400);
  });

  it('reset forgets grants, counts and knob changes', async () => {
    const sim = createSimulatorTestClient('x');
    const tokens = await connectX(sim);
    await admin(sim, 'knobs', { x: { accessTokenTtlSec: 5 } });
    expect((await admin(sim, 'reset', {})).status).toBe(200);
    expect(sim.state.knobs.x.accessTokenTtlSec).toBe(7200);
    expect(sim.state.stats.x.tokenCalls).toEqual({});
    expect((await refreshX(sim, tokens.refresh_token)).status).toBe(400);
  });

  it('seeds live grants for benchmarks, each for its own persona, and refuses bad requests', async () => {
    const sim = createSimulatorTestClient('x');
    const res = await admin(sim, 'seed', { provider: 'x', count: 3, accessTtlSec: 600 });
    expect(res.status).toBe(200);
    const { grants } = (await res.json()) as { grants: { personaId: string; accessToken: string; refreshToken: string; expiresInSec: number }[] };
    expect(grants).toHaveLength(3);
    expect(new Set(grants.map((g) => g.personaId)).size).toBe(3);
    expect(grants.every((g) => g.expiresInSec === 600)).toBe(true);
    expect(sim.state.grants.size).toBe(3);
    // The seeded tokens are live: the access token works and the refresh token refreshes.
    expect((await sim.get('https://api.x.com/2/users/me', { authorization: `Bearer ${grants[0]!.accessToken}` })).status).not.toBe(401);
    expect((await refreshX(sim, grants[1]!.refreshToken)).status).toBe(200);
    expect(sim.state.stats.x.tokenCalls).toEqual({ refresh_token: { ok: 1 } });

    const linkedin = await admin(sim, 'seed', { provider: 'linkedin', count: 1 });
    const [li] = ((await linkedin.json()) as { grants: { expiresInSec: number }[] }).grants;
    expect(li!.expiresInSec).toBe(sim.state.knobs.linkedin.accessTokenTtlSec);

    for (const bad of [
      { provider: 'meta', count: 1 },
      { provider: 'x', count: 0 },
      { provider: 'x', count: 20_001 },
      { provider: 'x', count: 1.5 },
      { provider: 'x', count: 1, accessTtlSec: 0 },
      { provider: 'x', count: 1, extra: true },
      {},
    ]) {
      expect((await admin(sim, 'seed', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(sim.state.grants.size).toBe(4);
  });

  it('answers unknown endpoints with 404 and wrong methods with 405', async () => {
    const sim = createSimulatorTestClient('x');
    expect((await sim.get('https://api.x.com/2/nothing')).status).toBe(404);
    expect((await sim.fetch(`${TEST_ORIGIN}/api/simulator/unknown/api.x.com/2/users/me`)).status).toBe(404);
    const wrongMethod = await sim.get('https://api.x.com/2/oauth2/token');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});
