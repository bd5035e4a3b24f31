import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { countTokenCalls } from './stats';
import { basicAuth, createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.x;
const AUTHORIZE = 'https://x.com/i/oauth2/authorize';
const TOKEN = 'https://api.x.com/2/oauth2/token';
const ME = 'https://api.x.com/2/users/me';
const SCOPES = 'tweet.read users.read offline.access';
const VERIFIER = 'verifier-'.padEnd(64, 'q');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const SPENT = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' };

interface Tokens {
  token_type: string;
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
}

async function authorize(sim: SimulatorTestClient, opts: { personaId?: string; scope?: string; pkce?: Record<string, string> } = {}) {
  const query = { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, scope: opts.scope ?? SCOPES, state: 'xs', ...(opts.pkce ?? { code_challenge: CHALLENGE, code_challenge_method: 'S256' }) };
  return sim.consent(AUTHORIZE, query, { personaId: opts.personaId ?? 'x-riley' });
}

function exchange(sim: SimulatorTestClient, code: string, extra: Record<string, string> = {}, headers = basicAuth('x')) {
  return sim.post(TOKEN, { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI, code_verifier: VERIFIER, client_id: clientId, ...extra }, headers);
}

async function connect(sim: SimulatorTestClient, personaId = 'x-riley', scope = SCOPES): Promise<Tokens> {
  const code = (await authorize(sim, { personaId, scope })).searchParams.get('code')!;
  const res = await exchange(sim, code);
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

function refresh(sim: SimulatorTestClient, token: string) {
  return sim.post(TOKEN, { grant_type: 'refresh_token', refresh_token: token, client_id: clientId }, basicAuth('x'));
}

const me = (sim: SimulatorTestClient, token: string) => sim.get(ME, { authorization: `Bearer ${token}` });

describe('X simulator', () => {
  it('requires PKCE at the consent', async () => {
    const sim = createSimulatorTestClient('x');
    const target = await authorize(sim, { pkce: {} });
    expect(target.searchParams.get('error')).toBe('invalid_request');
    expect(target.searchParams.has('code')).toBe(false);
  });

  it('redirects a cancelled consent with access_denied and the state', async () => {
    const sim = createSimulatorTestClient('x');
    const query = { response_type: 'code', client_id: clientId, redirect_uri: TEST_REDIRECT_URI, scope: SCOPES, state: 'xs', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
    const target = await sim.consent(AUTHORIZE, query, { decision: 'deny' });
    expect(target.searchParams.get('error')).toBe('access_denied');
    expect(target.searchParams.get('state')).toBe('xs');
  });

  it('issues a 2-hour token with space-separated scope and a refresh token for offline.access', async () => {
    const sim = createSimulatorTestClient('x');
    const tokens = await connect(sim);
    expect(tokens).toEqual({ token_type: 'bearer', expires_in: 7200, access_token: expect.any(String), scope: SCOPES, refresh_token: expect.any(String) });
    expect(Buffer.from(tokens.access_token, 'base64').toString()).toMatch(/:at:1$/);
    const noOffline = await connect(sim, 'x-sam', 'tweet.read users.read');
    expect(noOffline.refresh_token).toBeUndefined();
  });

  it('refuses a client secret in the body: Basic is required', async () => {
    const sim = createSimulatorTestClient('x');
    const code = (await authorize(sim)).searchParams.get('code')!;
    const res = await exchange(sim, code, { client_secret: clientSecret }, {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    expect((await exchange(sim, code, {}, basicAuth('x', 'wrong'))).status).toBe(401);
    expect((await exchange(sim, code)).status).toBe(200); // the failed attempts did not spend the code
  });

  it('verifies the code_verifier against the challenge (S256 and plain)', async () => {
    const sim = createSimulatorTestClient('x');
    const code = (await authorize(sim)).searchParams.get('code')!;
    const wrong = await exchange(sim, code, { code_verifier: 'z'.repeat(64) });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe('invalid_request');
    const plain = (await authorize(sim, { pkce: { code_challenge: VERIFIER, code_challenge_method: 'plain' } })).searchParams.get('code')!;
    expect((await exchange(sim, plain)).status).toBe(200);
  });

  it('lets a code live 30 seconds, once', async () => {
    const sim = createSimulatorTestClient('x');
    const code = (await authorize(sim)).searchParams.get('code')!;
    sim.advance(29);
    expect((await exchange(sim, code)).status).toBe(200);
    expect((await exchange(sim, code)).status).toBe(400);
    const late = (await authorize(sim)).searchParams.get('code')!;
    sim.advance(31);
    const expired = await exchange(sim, late);
    expect(expired.status).toBe(400);
    expect((await expired.json()).error_description).toBe('Value passed for the authorization code was invalid.');
  });

  it('rotates refresh tokens and refuses a spent one', async () => {
    const sim = createSimulatorTestClient('x');
    const first = await connect(sim);
    const res = await refresh(sim, first.refresh_token!);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Tokens;
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const reuse = await refresh(sim, first.refresh_token!);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual(SPENT);
    expect((await refresh(sim, second.refresh_token!)).status).toBe(200);
    expect(countTokenCalls(sim.state.stats, 'x', 'refresh_token', 'invalid_request')).toBe(1);
  });

  it('keeps one live grant per app and user: a new authorization revokes the previous tokens', async () => {
    const sim = createSimulatorTestClient('x');
    const old = await connect(sim, 'x-riley');
    const other = await connect(sim, 'x-sam');
    const fresh = await connect(sim, 'x-riley');
    expect((await me(sim, old.access_token)).status).toBe(401);
    expect(await (await refresh(sim, old.refresh_token!)).json()).toEqual(SPENT);
    expect((await me(sim, fresh.access_token)).status).toBe(200);
    expect((await me(sim, other.access_token)).status).toBe(200);
    expect(sim.state.stats.x.revocations.superseded).toBe(1);
  });

  it('revokes through /2/oauth2/revoke with Basic auth', async () => {
    const sim = createSimulatorTestClient('x');
    const tokens = await connect(sim);
    const noAuth = await sim.post('https://api.x.com/2/oauth2/revoke', { token: tokens.refresh_token!, client_id: clientId });
    expect(noAuth.status).toBe(401);
    const res = await sim.post('https://api.x.com/2/oauth2/revoke', { token: tokens.refresh_token!, token_type_hint: 'refresh_token' }, basicAuth('x'));
    expect(await res.json()).toEqual({ revoked: true });
    expect((await refresh(sim, tokens.refresh_token!)).status).toBe(400);
    expect((await me(sim, tokens.access_token)).status).toBe(401);
  });

  it('serves /2/users/me and answers a dead token with Problem JSON', async () => {
    const sim = createSimulatorTestClient('x');
    const tokens = await connect(sim);
    const ok = await me(sim, tokens.access_token);
    expect(await ok.json()).toEqual({ data: { id: '1468021597370163201', name: 'Riley Chen', username: 'riley_ships' } });
    expect(ok.headers.get('x-rate-limit-limit')).toBe('75');
    sim.advance(7200);
    const expired = await me(sim, tokens.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
  });
});
