import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchConnectedAccount } from '@/lib/oauth/accounts';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { codeChallengeS256, generateCodeVerifier } from '@/lib/oauth/pkce';
import { revokeGrant } from '@/lib/oauth/revoke';
import { completeCodeExchange, refreshAccessToken } from '@/lib/oauth/token-endpoint';
import { clearOidcDiscoveryCache } from '@/lib/providers/oidc';
import { resolveProvider } from '@/lib/providers/registry';
import type { ResolvedProvider, TokenSet } from '@/lib/providers/types';
import { authorizeAsUser, OP_CLIENT, OP_REDIRECT_URI, OP_USER, startOpenIdProvider, type OpenIdProvider } from '../support/oidc-provider-server';
import { rejectionOf, testEnv } from '../support/provider-http';

/**
 * The generic provider's whole life against oidc-provider, a certified server: discovery, PKCE,
 * code exchange, userinfo, refresh-token rotation, reuse detection and RFC 7009 revocation.
 * Nothing leaves 127.0.0.1.
 */

// The client secret contains ':', '+' and '/', and the OP authenticates this client with Basic: every
// flow below therefore also proves the RFC 6749 §2.3.1 form-encoding of the Basic credentials.
let op: OpenIdProvider;
let p: ResolvedProvider;
const jar = new Map<string, string>();

beforeAll(async () => {
  op = await startOpenIdProvider();
  clearOidcDiscoveryCache();
  const env = testEnv({
    OIDC_ISSUER: op.issuer,
    OIDC_CLIENT_ID: OP_CLIENT.id,
    OIDC_CLIENT_SECRET: OP_CLIENT.secret,
    OIDC_SCOPES: 'openid offline_access profile email',
    OIDC_NAME: 'Test OP',
  });
  const resolved = await resolveProvider('oidc', { env, origin: 'http://localhost:3000', timeoutMs: 5_000 });
  if (!resolved) throw new Error('the OIDC provider did not resolve');
  p = resolved;
});

afterAll(async () => {
  await op?.close();
});

/** One consent: authorization URL with PKCE → user → code → tokens. */
async function connect(): Promise<TokenSet> {
  const verifier = generateCodeVerifier();
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const authorizationUrl = buildAuthorizationUrl(p, { state, redirectUri: OP_REDIRECT_URI, codeChallenge: codeChallengeS256(verifier) });
  const callback = await authorizeAsUser(authorizationUrl, jar);
  expect(callback.searchParams.get('error')).toBeNull();
  expect(callback.searchParams.get('state')).toBe(state);
  // RFC 9207: the OP names itself in the response.
  expect(callback.searchParams.get('iss')).toBe(op.issuer);
  const code = callback.searchParams.get('code');
  expect(code).toBeTruthy();
  return completeCodeExchange(p, { code: code!, redirectUri: OP_REDIRECT_URI, codeVerifier: verifier });
}

describe('generic OIDC provider against oidc-provider', () => {
  it('derives the definition from discovery', () => {
    expect(p.simulated).toBe(false);
    expect(p.definition).toMatchObject({ slug: 'oidc', name: 'Test OP', clientAuth: 'client_secret_basic', pkce: 'S256', refresh: 'refresh_token' });
    expect(p.definition.endpoints(undefined)).toEqual({
      authorization: `${op.issuer}/auth`,
      token: `${op.issuer}/token`,
      revoke: `${op.issuer}/token/revocation`,
    });
  });

  it('refuses an exchange with the wrong code_verifier (PKCE, RFC 7636 §4.6)', async () => {
    const authorizationUrl = buildAuthorizationUrl(p, { state: 's', redirectUri: OP_REDIRECT_URI, codeChallenge: codeChallengeS256(generateCodeVerifier()) });
    const code = (await authorizeAsUser(authorizationUrl, jar)).searchParams.get('code')!;
    const error = await rejectionOf(completeCodeExchange(p, { code, redirectUri: OP_REDIRECT_URI, codeVerifier: generateCodeVerifier() }));
    expect(error).toMatchObject({ code: 'invalid_grant', status: 400, kind: 'permanent' });
    expect(error.message).not.toContain(code);
  });

  it('connects, reads userinfo, rotates the refresh token, and treats the spent one as a dead grant', async () => {
    const tokens = await connect();
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.idToken).toBeTruthy();
    expect(tokens.expiresIn).toBeGreaterThan(0);
    expect(tokens.scopes).toEqual(expect.arrayContaining(['openid', 'offline_access', 'profile', 'email']));

    const account = await fetchConnectedAccount(p, { tokenSet: tokens });
    expect(account).toEqual({
      externalAccountId: OP_USER.login,
      displayName: OP_USER.name,
      metadata: { issuer: op.issuer, email: OP_USER.email },
    });

    const refreshed = await refreshAccessToken(p, { refreshToken: tokens.refreshToken });
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);

    const reuse = await rejectionOf(refreshAccessToken(p, { refreshToken: tokens.refreshToken }));
    expect(reuse).toMatchObject({ code: 'invalid_grant', status: 400, kind: 'permanent' });
    expect(reuse.message).not.toContain(tokens.refreshToken!);
    // Reuse detection (OAuth 2.0 Security BCP §4.14.2) revoked the whole grant, the newest
    // refresh token included: why a waiting refresher must never reuse a rotated token.
    expect(await rejectionOf(refreshAccessToken(p, { refreshToken: refreshed.refreshToken }))).toMatchObject({ kind: 'permanent' });
  });

  it('revokes a grant (RFC 7009) so that its refresh token and access token stop working', async () => {
    const tokens = await connect();
    const refreshed = await refreshAccessToken(p, { refreshToken: tokens.refreshToken });
    expect(refreshed.refreshToken).toBeTruthy();
    expect((await fetchConnectedAccount(p, { tokenSet: refreshed })).externalAccountId).toBe(OP_USER.login);

    expect(await revokeGrant(p, { accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken })).toEqual({ revoked: true });

    expect(await rejectionOf(refreshAccessToken(p, { refreshToken: refreshed.refreshToken }))).toMatchObject({
      code: 'invalid_grant',
      kind: 'permanent',
    });
    const userinfo = await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: refreshed.accessToken } }));
    expect(userinfo).toMatchObject({ status: 401, code: 'invalid_token' });
  });
});
