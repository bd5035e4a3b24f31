import { beforeEach, describe, expect, it } from 'vitest';
import { fetchConnectedAccount } from '@/lib/oauth/accounts';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { revokeGrant } from '@/lib/oauth/revoke';
import { answer, json, rejectionOf, setupProviderServer, testEnv } from '@/tests/support/provider-http';
import { clearOidcDiscoveryCache } from './oidc';
import { resolveProvider } from './registry';

const ISSUER = 'https://op.example';
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const { server, requests } = setupProviderServer();

const metadata = (extra: Record<string, unknown> = {}) => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  ...extra,
});

const env = testEnv({ OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: 'gk', OIDC_CLIENT_SECRET: 'gk-secret', OIDC_SCOPES: 'openid offline_access profile', OIDC_NAME: 'Example SSO' });
const resolve = () => resolveProvider('oidc', { env, origin: 'http://localhost:3000' });

const unsignedJwt = (claims: Record<string, unknown>) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.';

beforeEach(() => clearOidcDiscoveryCache());

describe('generic OIDC provider: discovery (OIDC Discovery 1.0, RFC 8414)', () => {
  it.each([
    ['absent (the default is basic)', undefined, 'client_secret_basic'],
    ['basic and post', ['client_secret_post', 'client_secret_basic'], 'client_secret_basic'],
    ['post only', ['client_secret_post', 'private_key_jwt'], 'client_secret_post'],
  ])('chooses client auth when token_endpoint_auth_methods_supported is %s', async (_label, methods, expected) => {
    server.use(answer('get', DISCOVERY, () => json(metadata({ token_endpoint_auth_methods_supported: methods }))));
    expect((await resolve())?.definition.clientAuth).toBe(expected);
  });

  it('refuses an issuer that supports neither secret method', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata({ token_endpoint_auth_methods_supported: ['private_key_jwt'] }))));
    expect(await rejectionOf(resolve())).toMatchObject({ code: 'unsupported_client_auth', kind: 'transient' });
  });

  it.each([
    [undefined, 'S256'],
    [['plain', 'S256'], 'S256'],
    [['plain'], null],
  ])('uses PKCE %s → %s', async (methods, expected) => {
    server.use(answer('get', DISCOVERY, () => json(metadata({ code_challenge_methods_supported: methods }))));
    expect((await resolve())?.definition.pkce).toBe(expected);
  });

  it('has no refresh when grant_types_supported leaves refresh_token out', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata({ grant_types_supported: ['authorization_code'] }))));
    expect((await resolve())?.definition.refresh).toBe('none');
  });

  it('asks for consent when offline_access is requested (OIDC Core §11)', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata())));
    const p = await resolve();
    expect(p).toMatchObject({ simulated: false, definition: { name: 'Example SSO', scopes: ['openid', 'offline_access', 'profile'] } });
    const url = new URL(buildAuthorizationUrl(p!, { state: 's', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43) }));
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')).toBe('openid offline_access profile');
  });

  it('rejects a discovery document that names another issuer (§4.3)', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata({ issuer: 'https://evil.example' }))));
    expect(await rejectionOf(resolve())).toMatchObject({ code: 'issuer_mismatch' });
  });

  it('caches discovery, but not a failure', async () => {
    server.use(answer('get', DISCOVERY, () => json({}, { status: 503 })));
    expect(await rejectionOf(resolve())).toMatchObject({ code: 'http_503', kind: 'transient' });
    server.use(answer('get', DISCOVERY, () => json(metadata())));
    await resolve();
    await resolve();
    expect((await requests()).filter((r) => r.url.href === DISCOVERY)).toHaveLength(2);
  });
});

describe('generic OIDC provider: identity and revocation', () => {
  it('reads the account from the id_token when there is no userinfo endpoint, checking iss and aud', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata())));
    const p = (await resolve())!;
    const account = await fetchConnectedAccount(p, {
      tokenSet: { accessToken: 'at', idToken: unsignedJwt({ iss: ISSUER, aud: 'gk', sub: 'user-1', email: 'ada@example.com' }) },
    });
    expect(account).toEqual({ externalAccountId: 'user-1', displayName: 'ada@example.com', metadata: { issuer: ISSUER, email: 'ada@example.com' } });
    const foreign = unsignedJwt({ iss: ISSUER, aud: 'someone-else', sub: 'user-1' });
    expect(await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: 'at', idToken: foreign } }))).toMatchObject({ code: 'invalid_identity' });
    expect(await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: 'at' } }))).toMatchObject({ code: 'invalid_identity' });
  });

  it('an id_token for several audiences counts when this client is one; its username names the account; no sub, not a JWT or another issuer is refused', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata())));
    const p = (await resolve())!;
    const account = await fetchConnectedAccount(p, {
      tokenSet: { accessToken: 'at', idToken: unsignedJwt({ iss: ISSUER, aud: ['other-app', 'gk'], sub: 'user-7', preferred_username: 'ada.l' }) },
    });
    expect(account).toEqual({ externalAccountId: 'user-7', displayName: 'ada.l', metadata: { issuer: ISSUER, preferredUsername: 'ada.l' } });
    const bare = await fetchConnectedAccount(p, { tokenSet: { accessToken: 'at', idToken: unsignedJwt({ iss: ISSUER, aud: 'gk', sub: 'user-8' }) } });
    expect(bare).toEqual({ externalAccountId: 'user-8', displayName: 'user-8', metadata: { issuer: ISSUER } });
    for (const idToken of [
      unsignedJwt({ iss: 'https://evil.example', aud: 'gk', sub: 'user-7' }),
      unsignedJwt({ iss: ISSUER, aud: 'gk' }),
      'not-a-jwt',
    ]) {
      expect(await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: 'at', idToken } }))).toMatchObject({ code: 'invalid_identity' });
    }
  });

  it('prefers userinfo, and refuses a sub that differs from the id_token (OIDC Core §5.3.2)', async () => {
    server.use(
      answer('get', DISCOVERY, () => json(metadata({ userinfo_endpoint: `${ISSUER}/me` }))),
      answer('get', `${ISSUER}/me`, ({ request }) => json({ sub: request.headers.get('authorization') === 'Bearer at' ? 'user-1' : 'x', name: 'Ada' })),
    );
    const p = (await resolve())!;
    expect((await fetchConnectedAccount(p, { tokenSet: { accessToken: 'at' } })).displayName).toBe('Ada');
    const other = unsignedJwt({ iss: ISSUER, aud: 'gk', sub: 'user-2' });
    expect(await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: 'at', idToken: other } }))).toMatchObject({ code: 'invalid_identity' });
  });

  it('without a revocation_endpoint reports not revoked and sends nothing', async () => {
    server.use(answer('get', DISCOVERY, () => json(metadata())));
    const p = (await resolve())!;
    expect(await revokeGrant(p, { accessToken: 'at', refreshToken: 'rt' })).toStrictEqual({ revoked: false });
    expect((await requests()).filter((r) => r.url.href !== DISCOVERY)).toHaveLength(0);
  });
});
