import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AdminAccess } from './access';
import { listIssued } from './admin';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { handleSimulatorRequest } from './handler';
import { externalIdsOf, findAmazonPersona, findLinkedInPersona, findMetaPersona, findXPersona, syntheticPersonaNumber } from './persona-lookup';
import { createSimulatorState } from './state';
import { basicAuth, createSimulatorTestClient, TEST_REDIRECT_URI } from './test-client';

const ORIGIN = 'http://localhost:3000';
const REDIRECT = `${ORIGIN}/api/v1/oauth/x/callback`;
const VERIFIER = 'verifier-'.padEnd(64, 'b');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const xQuery = (redirectUri: string) =>
  new URLSearchParams({
    response_type: 'code',
    client_id: SIMULATOR_CREDENTIALS.x.clientId,
    redirect_uri: redirectUri,
    scope: 'tweet.read users.read offline.access',
    state: 'st',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  });

/** A consent POST as `persona` through the handler, with the given admin access and headers. */
function consentAs(admin: AdminAccess, persona: string, headers: Record<string, string> = {}) {
  const state = createSimulatorState();
  const request = new Request(`${ORIGIN}/api/simulator/x/x.com/i/oauth2/authorize?${xQuery(REDIRECT)}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ decision: 'allow', persona }),
  });
  return { state, response: handleSimulatorRequest(state, request, { admin, redirectUris: () => [REDIRECT] }) };
}

describe('synthetic personas (bench-<n>)', () => {
  it('are a distinct person per n for every provider, with predictable ids', () => {
    expect(syntheticPersonaNumber('bench-0')).toBe(0);
    expect(syntheticPersonaNumber('bench-9999999')).toBe(9_999_999);
    for (const id of ['bench-', 'bench-x', 'bench-12345678', 'bench-1 ', 'xbench-1', 'x-riley']) expect(syntheticPersonaNumber(id), id).toBeUndefined();

    const lookups = [findAmazonPersona, findLinkedInPersona, findXPersona, findMetaPersona];
    for (const find of lookups) {
      expect(find('bench-1')?.id).toBe('bench-1');
      expect(JSON.stringify(find('bench-1'))).not.toBe(JSON.stringify(find('bench-2')));
      expect(find('nobody')).toBeUndefined();
    }
    expect(findXPersona('bench-42')?.userId).toBe('190000000000000042');
    expect(findAmazonPersona('bench-42')?.userId).toBe('amzn1.account.BENCH0000042');
    expect(findLinkedInPersona('bench-42')?.sub).toBe('bench0000042');
    expect(findMetaPersona('bench-42')?.userId).toBe('199900000000000042');
    expect(Number.isSafeInteger(findAmazonPersona('bench-9999999')?.profiles[0]?.profileId)).toBe(true);
    // The fixed personas are still found first, and revoke finds a synthetic one by any of its ids.
    expect(findXPersona('x-riley')?.username).toBe('riley_ships');
    expect(externalIdsOf('linkedin', 'bench-5')).toContain('urn:li:person:bench0000005');
    expect(externalIdsOf('meta', 'bench-5')).toContain('act_999000000000005');
  });

  it('complete a consent and answer the identity call as that person, and issued names the persona', async () => {
    const sim = createSimulatorTestClient('x');
    const ids: string[] = [];
    for (const personaId of ['bench-7', 'bench-8']) {
      const query = Object.fromEntries(xQuery(TEST_REDIRECT_URI));
      const code = (await sim.consent('https://x.com/i/oauth2/authorize', query, { personaId })).searchParams.get('code')!;
      const token = await sim.post(
        'https://api.x.com/2/oauth2/token',
        { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI, code_verifier: VERIFIER, client_id: SIMULATOR_CREDENTIALS.x.clientId },
        basicAuth('x'),
      );
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const me = await sim.get('https://api.x.com/2/users/me', { authorization: `Bearer ${access_token}` });
      expect(me.status).toBe(200);
      ids.push(((await me.json()) as { data: { id: string } }).data.id);
      expect(listIssued(sim.state).accessTokens.find((t) => t.value === access_token)?.personaId).toBe(personaId);
    }
    expect(ids).toEqual(['190000000000000007', '190000000000000008']);
  });

  it('are never offered on the consent page', async () => {
    const sim = createSimulatorTestClient('x');
    const page = await (await sim.get(`https://x.com/i/oauth2/authorize?${xQuery(TEST_REDIRECT_URI)}`)).text();
    expect(page).toContain('sim-account-x-riley');
    expect(page).not.toContain('bench-');
  });

  it('are refused where the admin API is: off in production, and without the secret when one is set', async () => {
    const off = consentAs('off', 'bench-1');
    expect((await off.response).status).toBe(400);
    expect(off.state.codes.size).toBe(0);
    // A listed persona still works there: only the test affordance is off.
    expect((await consentAs('off', 'x-riley').response).status).toBe(302);

    const secret = { secret: 'sim-admin-secret' };
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const refused = consentAs(secret, 'bench-1', headers);
      const res = await refused.response;
      expect(res.status).toBe(400);
      expect(res.headers.has('location')).toBe(false);
      expect(await res.text()).not.toContain('sim-admin-secret');
      expect(refused.state.codes.size).toBe(0);
    }
    const allowed = consentAs(secret, 'bench-1', { authorization: 'Bearer sim-admin-secret' });
    expect((await allowed.response).status).toBe(302);
    expect([...allowed.state.codes.values()].map((c) => c.personaId)).toEqual(['bench-1']);

    // Open (development, tests): same-origin yes, cross-site no.
    expect((await consentAs('open', 'bench-1').response).status).toBe(302);
    expect((await consentAs('open', 'bench-1', { origin: 'https://attacker.example' }).response).status).toBe(400);
  });
});
