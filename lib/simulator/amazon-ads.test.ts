import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { revokeByExternalId } from './admin';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { AMAZON_PERSONAS } from './personas';
import { basicAuth, createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

const { clientId, clientSecret } = SIMULATOR_CREDENTIALS['amazon-ads'];
const NA_CONSENT = 'https://www.amazon.com/ap/oa';
const NA_TOKEN = 'https://api.amazon.com/auth/o2/token';
const ADS_SCOPE = 'advertising::campaign_management';
const DEAD_REFRESH = "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.";

async function authorize(sim: SimulatorTestClient, opts: { host?: string; personaId?: string; scope?: string; extra?: Record<string, string> } = {}) {
  const target = await sim.consent(
    opts.host ?? NA_CONSENT,
    { client_id: clientId, scope: opts.scope ?? `${ADS_SCOPE} profile`, response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 'st-1', ...opts.extra },
    { personaId: opts.personaId ?? 'amazon-avery' },
  );
  return target.searchParams.get('code') ?? '';
}

function exchange(sim: SimulatorTestClient, code: string, extra: Record<string, string> = {}, host = NA_TOKEN) {
  return sim.post(host, { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI, client_id: clientId, client_secret: clientSecret, ...extra });
}

function refresh(sim: SimulatorTestClient, refreshToken: string) {
  return sim.post(NA_TOKEN, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
}

async function connect(sim: SimulatorTestClient, personaId = 'amazon-avery') {
  const res = await exchange(sim, await authorize(sim, { personaId }));
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number | string };
}

describe('Amazon (LWA) simulator', () => {
  it('redirects an approved consent with code, scope and state', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const target = await sim.consent(NA_CONSENT, { client_id: clientId, scope: ADS_SCOPE, response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 'abc' });
    expect(target.origin + target.pathname).toBe(TEST_REDIRECT_URI);
    expect(target.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(target.searchParams.get('scope')).toBe(ADS_SCOPE);
    expect(target.searchParams.get('state')).toBe('abc');
  });

  it('redirects a cancelled consent with access_denied', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const target = await sim.consent(NA_CONSENT, { client_id: clientId, scope: ADS_SCOPE, response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 'abc' }, { decision: 'deny' });
    expect(target.searchParams.get('error')).toBe('access_denied');
    expect(target.searchParams.get('state')).toBe('abc');
    expect(target.searchParams.has('code')).toBe(false);
  });

  it('issues Atza/Atzr tokens with a numeric expires_in of 3600', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const res = await exchange(sim, await authorize(sim));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ access_token: expect.stringMatching(/^Atza\|/), refresh_token: expect.stringMatching(/^Atzr\|/), token_type: 'bearer', expires_in: 3600 });
  });

  it('returns expires_in as the string "3600" when the knob is on', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    sim.setKnobs((k) => (k['amazon-ads'].expiresInAsString = true));
    expect((await connect(sim)).expires_in).toBe('3600');
  });

  it('accepts a code from the EU consent host at the FE token host', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const code = await authorize(sim, { host: 'https://eu.account.amazon.com/ap/oa' });
    const res = await exchange(sim, code, {}, 'https://api.amazon.co.jp/auth/o2/token');
    expect(res.status).toBe(200);
  });

  it('refuses a used code and an expired one with invalid_grant', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const code = await authorize(sim);
    expect((await exchange(sim, code)).status).toBe(200);
    const reused = await exchange(sim, code);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' });

    const late = await authorize(sim);
    sim.advance(301);
    const expired = await exchange(sim, late);
    expect(expired.status).toBe(400);
    expect((await expired.json()).error).toBe('invalid_grant');
  });

  it('accepts Basic client authentication and refuses a wrong secret', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const viaBasic = await sim.post(NA_TOKEN, { grant_type: 'authorization_code', code: await authorize(sim), redirect_uri: TEST_REDIRECT_URI }, basicAuth('amazon-ads'));
    expect(viaBasic.status).toBe(200);
    const wrong = await exchange(sim, await authorize(sim), { client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toBe('invalid_client');
  });

  it('checks an optional PKCE verifier (S256)', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const bad = await exchange(sim, await authorize(sim, { extra: pkce }), { code_verifier: 'w'.repeat(50) });
    expect(bad.status).toBe(400);
    const good = await exchange(sim, await authorize(sim, { extra: pkce }), { code_verifier: verifier });
    expect(good.status).toBe(200);
  });

  it('omits the refresh token on every other refresh by default, and returns the same one otherwise', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const tokens = await connect(sim);
    const first = await (await refresh(sim, tokens.refresh_token)).json();
    expect(first.refresh_token).toBeUndefined();
    expect(first.access_token).not.toBe(tokens.access_token);
    const second = await (await refresh(sim, tokens.refresh_token)).json();
    expect(second.refresh_token).toBe(tokens.refresh_token);
    sim.setKnobs((k) => (k['amazon-ads'].refreshTokenOnRefresh = 'same'));
    expect((await (await refresh(sim, tokens.refresh_token)).json()).refresh_token).toBe(tokens.refresh_token);
  });

  it('answers a revoked or unknown refresh token with invalid_grant', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const tokens = await connect(sim);
    const persona = AMAZON_PERSONAS[0]!;
    expect(revokeByExternalId(sim.state, { provider: 'amazon-ads', externalAccountId: persona.userId })).toBe(1);
    const revoked = await refresh(sim, tokens.refresh_token);
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toEqual({ error: 'invalid_grant', error_description: DEAD_REFRESH });
    expect((await refresh(sim, 'Atzr|unknown')).status).toBe(400);
  });

  it('lists only the host region’s profiles and requires the ClientId header', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const avery = await connect(sim, 'amazon-avery');
    const headers = { authorization: `Bearer ${avery.access_token}`, 'amazon-advertising-api-clientid': clientId };
    const countries = async (host: string) =>
      ((await (await sim.get(`https://${host}/v2/profiles`, headers)).json()) as { countryCode: string }[]).map((p) => p.countryCode);
    expect(await countries('advertising-api.amazon.com')).toEqual(['US', 'CA']);
    expect(await countries('advertising-api-eu.amazon.com')).toEqual(['UK', 'DE']);
    expect(await countries('advertising-api-fe.amazon.com')).toEqual([]);

    const na = (await (await sim.get('https://advertising-api.amazon.com/v2/profiles', headers)).json()) as Record<string, unknown>[];
    expect(na[0]).toMatchObject({ profileId: 3470110214120011, currencyCode: 'USD', accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', type: 'seller' } });
    expect(na[0]).not.toHaveProperty('region');

    const kenji = await connect(sim, 'amazon-kenji');
    const fe = await sim.get('https://advertising-api-fe.amazon.com/v2/profiles', { ...headers, authorization: `Bearer ${kenji.access_token}` });
    expect(((await fe.json()) as { countryCode: string }[]).map((p) => p.countryCode)).toEqual(['JP', 'AU']);

    const noClientId = await sim.get('https://advertising-api.amazon.com/v2/profiles', { authorization: headers.authorization });
    expect(noClientId.status).toBe(401);
    const wrongClientId = await sim.get('https://advertising-api.amazon.com/v2/profiles', { ...headers, 'amazon-advertising-api-clientid': 'other' });
    expect(wrongClientId.status).toBe(401);
  });

  it('serves the LWA profile only with the profile scope', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const tokens = await connect(sim);
    const res = await sim.get('https://api.amazon.com/user/profile', { authorization: `Bearer ${tokens.access_token}` });
    expect(await res.json()).toEqual({ user_id: AMAZON_PERSONAS[0]!.userId, name: 'Avery Quinn', email: 'avery.quinn@example.com' });

    const adsOnly = await exchange(sim, await authorize(sim, { scope: ADS_SCOPE }));
    const token = ((await adsOnly.json()) as { access_token: string }).access_token;
    expect((await sim.get('https://api.amazon.com/user/profile', { authorization: `Bearer ${token}` })).status).toBe(403);
  });

  it('expires access tokens after the configured lifetime', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const tokens = await connect(sim);
    const headers = { authorization: `Bearer ${tokens.access_token}` };
    expect((await sim.get('https://api.amazon.com/user/profile', headers)).status).toBe(200);
    sim.advance(3600);
    expect((await sim.get('https://api.amazon.com/user/profile', headers)).status).toBe(401);
  });
});
