import { describe, expect, it } from 'vitest';
import { handleSimulatorRequest } from './handler';
import { seedGrant } from './seed';
import { createSimulatorTestClient, TEST_ORIGIN, type SimulatorTestClient } from './test-client';

/** The simulator's admin API as an e2e test drives it: body parsing, refusals, what state and issued show. */
const admin = (sim: SimulatorTestClient, action: string, init: RequestInit = {}) => sim.fetch(`${TEST_ORIGIN}/api/simulator/_admin/${action}`, init);
const post = (sim: SimulatorTestClient, action: string, body: string) => admin(sim, action, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('simulator admin API', () => {
  it('treats an empty knobs body as no change, and refuses a body that is not JSON with 400', async () => {
    const sim = createSimulatorTestClient('x');
    const before = structuredClone(sim.state.knobs);
    const empty = await post(sim, 'knobs', '  ');
    expect(empty.status).toBe(200);
    expect(sim.state.knobs).toEqual(before);
    const broken = await post(sim, 'knobs', '{"x":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_request', message: 'Invalid knobs' });
    const revoke = await post(sim, 'revoke', 'not json');
    expect(revoke.status).toBe(400);
    expect(((await revoke.json()) as { message: string }).message).toBe('Invalid revoke request');
  });

  it('answers an unknown admin endpoint or method with 404 naming it', async () => {
    const sim = createSimulatorTestClient('x');
    const res = await admin(sim, 'rewind', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'Unknown admin endpoint POST rewind' });
    expect((await admin(sim, 'knobs')).status).toBe(404);
  });

  it('revokes only the grants of the named account, and state then shows them revoked with no live token', async () => {
    const sim = createSimulatorTestClient('linkedin');
    seedGrant(sim.state, 'linkedin', { personaId: 'linkedin-maya', scopes: ['r_ads'] });
    seedGrant(sim.state, 'linkedin', { personaId: 'linkedin-omar', scopes: ['r_ads'] });
    const res = await post(sim, 'revoke', JSON.stringify({ provider: 'linkedin', externalAccountId: 'Zt4kW1pLsQ', reason: 'removed_by_user' }));
    expect(await res.json()).toEqual({ revokedGrants: 1 });
    const state = (await (await admin(sim, 'state')).json()) as { grants: { personaId: string; revoked: { reason: string; at: string } | null; liveAccessTokens: number }[] };
    const byPersona = Object.fromEntries(state.grants.map((g) => [g.personaId, g]));
    expect(byPersona['linkedin-omar']).toMatchObject({ revoked: { reason: 'removed_by_user', at: new Date(sim.state.now()).toISOString() }, liveAccessTokens: 0 });
    expect(byPersona['linkedin-maya']).toMatchObject({ revoked: null, liveAccessTokens: 1 });
  });

  it('issued lists every code and token a test may need to check was never leaked', async () => {
    const sim = createSimulatorTestClient('x');
    const { accessToken, refreshToken } = seedGrant(sim.state, 'x', { personaId: 'x-riley', scopes: ['tweet.read', 'offline.access'] });
    // `issued` wants the admin secret even where the rest of the admin API is open (access.ts).
    expect((await admin(sim, 'issued')).status).toBe(403);
    const withSecret = { admin: { secret: 'admin-api-test' }, redirectUris: () => [] };
    const request = new Request(`${TEST_ORIGIN}/api/simulator/_admin/issued`, { headers: { authorization: 'Bearer admin-api-test' } });
    const issued = (await (await handleSimulatorRequest(sim.state, request, withSecret)).json()) as { codes: unknown[]; accessTokens: { provider: string; value: string }[]; refreshTokens: { value: string }[] };
    expect(issued.codes).toEqual([]);
    expect(issued.accessTokens).toEqual([{ provider: 'x', value: accessToken, personaId: 'x-riley' }]);
    expect(issued.refreshTokens.map((t) => t.value)).toEqual([refreshToken]);
  });
});
