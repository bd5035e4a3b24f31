import { describe, expect, it } from 'vitest';
import { fetchConnectedAccount } from '@/lib/oauth/accounts';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { revokeGrant } from '@/lib/oauth/revoke';
import { completeCodeExchange, refreshAccessToken } from '@/lib/oauth/token-endpoint';
import { answer, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const TOKEN_URL = 'https://www.linkedin.com/oauth/v2/accessToken';
const { server, requests } = setupProviderServer();

const liError = (status: number, error: string, error_description: string) =>
  answer('post', TOKEN_URL, () => json({ error, error_description }, { status }));

describe('LinkedIn (providers.md §2)', () => {
  it('builds the authorization URL without PKCE, even when a challenge is passed [LI1][LI12]', async () => {
    const p = await resolveConfigured('linkedin');
    const url = new URL(buildAuthorizationUrl(p, { state: 's', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43) }));
    expect(url.origin + url.pathname).toBe('https://www.linkedin.com/oauth/v2/authorization');
    expect(url.searchParams.get('scope')).toBe('openid profile email r_ads r_ads_reporting');
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(url.searchParams.has('code_challenge_method')).toBe(false);
  });

  it('exchanges a code with body credentials and never a code_verifier; comma scopes are split [LI1][LI3]', async () => {
    server.use(
      answer('post', TOKEN_URL, () =>
        json({ access_token: 'li-at', expires_in: 5183999, refresh_token: 'li-rt', refresh_token_expires_in: 31535999, scope: 'r_ads,r_ads_reporting,openid' }),
      ),
    );
    const p = await resolveConfigured('linkedin');
    const tokens = await completeCodeExchange(p, { code: 'li-code', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) });
    expect(tokens).toEqual({
      accessToken: 'li-at',
      refreshToken: 'li-rt',
      expiresIn: 5183999,
      refreshTokenExpiresIn: 31535999,
      scopes: ['r_ads', 'r_ads_reporting', 'openid'],
    });
    const [request] = await requests();
    expect(request?.headers.get('authorization')).toBeNull();
    expect(Object.fromEntries(request!.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'li-code',
      redirect_uri: 'https://app.example/cb',
      client_id: 'li-client',
      client_secret: 'li-secret',
    });
  });

  it('refreshes with body credentials when the app has programmatic refresh [LI2]', async () => {
    server.use(answer('post', TOKEN_URL, () => json({ access_token: 'li-at-2', expires_in: 5184000, refresh_token: 'li-rt', refresh_token_expires_in: 439200 })));
    const p = await resolveConfigured('linkedin');
    expect(p.definition.refresh).toBe('refresh_token');
    await refreshAccessToken(p, { refreshToken: 'li-rt' });
    const [request] = await requests();
    expect(Object.fromEntries(request!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'li-rt', client_id: 'li-client', client_secret: 'li-secret' });
  });

  it('without LINKEDIN_REFRESH_TOKENS a refresh is a permanent failure and sends nothing [LI2]', async () => {
    const p = await resolveConfigured('linkedin', { LINKEDIN_REFRESH_TOKENS: 'off' });
    expect(p.definition.refresh).toBe('none');
    const error = await rejectionOf(refreshAccessToken(p, { refreshToken: 'li-rt', accessToken: 'li-at' }));
    expect(error).toMatchObject({ code: 'refresh_unsupported', kind: 'permanent' });
    expect(await requests()).toHaveLength(0);
  });

  it.each([
    [400, 'invalid_request', 'The provided authorization grant or refresh token is invalid, expired or revoked', 'permanent'],
    [401, 'invalid_request', 'Unable to retrieve access token: authorization code not found', 'permanent'],
    [400, 'invalid_grant', 'whatever', 'permanent'],
    [400, 'invalid_request', 'A required parameter "refresh_token" is missing', 'transient'],
    [401, 'invalid_client_id', 'Client authentication failed', 'transient'],
    [400, 'invalid_redirect_uri', 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code', 'transient'],
    [500, 'server_error', 'The provided authorization grant or refresh token is invalid, expired or revoked', 'transient'],
  ] as const)('classifies %i %s "%s" as %s [LI1][LI2]', async (status, error, description, kind) => {
    server.use(liError(status, error, description));
    const p = await resolveConfigured('linkedin');
    expect(await rejectionOf(refreshAccessToken(p, { refreshToken: 'li-rt' }))).toMatchObject({ code: error, status, kind });
  });

  it('reads userinfo and the ad accounts with the version headers, joining roles [LI5][LI7][LI8]', async () => {
    const seen: Record<string, string | null>[] = [];
    const rest = (body: unknown) => ({ request }: { request: Request }) => {
      seen.push({ version: request.headers.get('linkedin-version'), restli: request.headers.get('x-restli-protocol-version') });
      return json(body);
    };
    server.use(
      answer('get', 'https://api.linkedin.com/v2/userinfo', () => json({ sub: 'abc123', name: 'Ada Lovelace', email: 'ada@example.com', locale: { country: 'GB' } })),
      answer('get', 'https://api.linkedin.com/rest/adAccountUsers', rest({
        elements: [
          { account: 'urn:li:sponsoredAccount:507404993', role: 'ACCOUNT_MANAGER', user: 'urn:li:person:abc123' },
          { account: 'urn:li:sponsoredAccount:1', role: 'VIEWER', user: 'urn:li:person:abc123' },
        ],
      })),
      answer('get', 'https://api.linkedin.com/rest/adAccounts', rest({
        elements: [{ id: 507404993, name: 'Acme Ads', currency: 'USD', status: 'ACTIVE', type: 'BUSINESS', reference: 'urn:li:organization:2414183', test: false }],
      })),
    );
    const p = await resolveConfigured('linkedin', { LINKEDIN_API_VERSION: '202601' });
    const account = await fetchConnectedAccount(p, { tokenSet: { accessToken: 'li-at' } });
    expect(account).toEqual({
      externalAccountId: 'abc123',
      displayName: 'Ada Lovelace',
      metadata: { adAccounts: [{ id: '507404993', name: 'Acme Ads', currency: 'USD', status: 'ACTIVE', role: 'ACCOUNT_MANAGER' }] },
    });
    expect(seen).toEqual([
      { version: '202601', restli: '2.0.0' },
      { version: '202601', restli: '2.0.0' },
    ]);
    const search = (await requests()).find((r) => r.url.pathname === '/rest/adAccounts');
    // Rest.li 2.0: the finder syntax travels unencoded [LI10].
    expect(search?.url.search).toBe('?q=search&search=(status:(values:List(ACTIVE)))');
    const users = (await requests()).find((r) => r.url.pathname === '/rest/adAccountUsers');
    expect(users?.url.search).toBe('?q=authenticatedUser');
    expect(users?.headers.get('authorization')).toBe('Bearer li-at');
  });

  it('turns a REST error body into a ProviderError [LI10]', async () => {
    server.use(
      answer('get', 'https://api.linkedin.com/v2/userinfo', () => json({ sub: 'abc' })),
      answer('get', 'https://api.linkedin.com/rest/adAccountUsers', () => json({ elements: [] })),
      answer('get', 'https://api.linkedin.com/rest/adAccounts', () =>
        json({ message: 'Not enough permissions to access: adAccounts.FINDER-search', serviceErrorCode: 100, status: 403 }, { status: 403 }),
      ),
    );
    const p = await resolveConfigured('linkedin');
    const error = await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: 'li-at' } }));
    expect(error).toMatchObject({ code: 'http_403', status: 403, description: 'Not enough permissions to access: adAccounts.FINDER-search' });
  });

  it('revokes with client_id, client_secret and token in the form [LI14]', async () => {
    server.use(answer('post', 'https://www.linkedin.com/oauth/v2/revoke', () => new Response(null, { status: 200 })));
    const p = await resolveConfigured('linkedin', { LINKEDIN_REFRESH_TOKENS: 'off' });
    expect(await revokeGrant(p, { accessToken: 'li-at' })).toEqual({ revoked: true });
    const sent = await requests();
    expect(sent).toHaveLength(1);
    expect(Object.fromEntries(sent[0]!.body)).toEqual({ token: 'li-at', token_type_hint: 'access_token', client_id: 'li-client', client_secret: 'li-secret' });
  });

  it('labels the connection by given and family name, else email, else the member id; accounts without a role keep none', async () => {
    const users = [{ sub: 'a', given_name: 'Ada', family_name: 'Lovelace' }, { sub: 'b', email: 'b@example.com' }, { sub: 'c' }];
    server.use(
      answer('get', 'https://api.linkedin.com/v2/userinfo', () => json(users.shift())),
      answer('get', 'https://api.linkedin.com/rest/adAccountUsers', () => json({ elements: [] })),
      answer('get', 'https://api.linkedin.com/rest/adAccounts', () => json({ elements: [{ id: 7, name: 'Shared', currency: 'EUR', status: 'ACTIVE' }] })),
    );
    const p = await resolveConfigured('linkedin');
    const first = await fetchConnectedAccount(p, { tokenSet: { accessToken: 'li-at' } });
    expect(first.displayName).toBe('Ada Lovelace');
    expect(first.metadata).toEqual({ adAccounts: [{ id: '7', name: 'Shared', currency: 'EUR', status: 'ACTIVE', role: undefined }] });
    expect((await fetchConnectedAccount(p, { tokenSet: { accessToken: 'li-at' } })).displayName).toBe('b@example.com');
    expect((await fetchConnectedAccount(p, { tokenSet: { accessToken: 'li-at' } })).displayName).toBe('c');
  });
});
