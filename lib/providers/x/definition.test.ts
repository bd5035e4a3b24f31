import { describe, expect, it } from 'vitest';
import { fetchConnectedAccount } from '@/lib/oauth/accounts';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { codeChallengeS256, generateCodeVerifier } from '@/lib/oauth/pkce';
import { revokeGrant } from '@/lib/oauth/revoke';
import { exchangeCode, refreshAccessToken } from '@/lib/oauth/token-endpoint';
import { answer, decodeBasic, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const TOKEN_URL = 'https://api.x.com/2/oauth2/token';
const { server, requests } = setupProviderServer();

describe('X (providers.md §3)', () => {
  it('builds the authorization URL with space-separated scopes and an S256 challenge [X1]', async () => {
    const p = await resolveConfigured('x');
    const verifier = generateCodeVerifier();
    const url = new URL(
      buildAuthorizationUrl(p, { state: 's1', redirectUri: 'https://app.example/cb', codeChallenge: codeChallengeS256(verifier) }),
    );
    expect(url.origin + url.pathname).toBe('https://x.com/i/oauth2/authorize');
    expect(url.search).toContain('scope=tweet.read%20users.read%20offline.access');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'x-client',
      redirect_uri: 'https://app.example/cb',
      scope: 'tweet.read users.read offline.access',
      state: 's1',
      code_challenge: codeChallengeS256(verifier),
      code_challenge_method: 'S256',
    });
  });

  it('refuses to build the URL without a challenge: PKCE is mandatory at X', async () => {
    const p = await resolveConfigured('x');
    expect(() => buildAuthorizationUrl(p, { state: 's', redirectUri: 'https://app.example/cb' })).toThrow(/PKCE/);
  });

  it('exchanges a code with Basic auth (form-encoded halves), client_id and code_verifier in the body [X2][X9]', async () => {
    server.use(
      answer('post', TOKEN_URL, () =>
        json({ token_type: 'bearer', expires_in: 7200, access_token: 'x-at-1', scope: 'users.read tweet.read offline.access', refresh_token: 'x-rt-1' }),
      ),
    );
    const p = await resolveConfigured('x');
    const tokens = await exchangeCode(p, { code: 'code-1', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) });

    expect(tokens).toEqual({
      accessToken: 'x-at-1',
      refreshToken: 'x-rt-1',
      expiresIn: 7200,
      scopes: ['users.read', 'tweet.read', 'offline.access'],
      tokenType: 'bearer',
    });
    const [request] = await requests();
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(decodeBasic(request?.headers.get('authorization') ?? null)).toEqual(['x-client', 'x:secret+with/odd chars']);
    // The raw header must carry the form-encoded secret, not the plain one (RFC 6749 §2.3.1).
    expect(Buffer.from(request!.headers.get('authorization')!.slice(6), 'base64').toString()).toBe('x-client:x%3Asecret%2Bwith%2Fodd+chars');
    expect(Object.fromEntries(request!.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'https://app.example/cb',
      code_verifier: 'v'.repeat(43),
      client_id: 'x-client',
    });
  });

  it('will not exchange without the code_verifier', async () => {
    const p = await resolveConfigured('x');
    const error = await rejectionOf(exchangeCode(p, { code: 'c', redirectUri: 'https://app.example/cb' }));
    expect(error.code).toBe('missing_code_verifier');
    expect(await requests()).toHaveLength(0);
  });

  it('refreshes with the rotating refresh token and returns the new one [X3]', async () => {
    server.use(answer('post', TOKEN_URL, () => json({ token_type: 'bearer', expires_in: 7200, access_token: 'x-at-2', refresh_token: 'x-rt-2' })));
    const p = await resolveConfigured('x');
    const tokens = await refreshAccessToken(p, { refreshToken: 'x-rt-1' });
    expect(tokens.refreshToken).toBe('x-rt-2');
    const [request] = await requests();
    expect(decodeBasic(request?.headers.get('authorization') ?? null)[0]).toBe('x-client');
    expect(Object.fromEntries(request!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'x-rt-1', client_id: 'x-client' });
  });

  it('treats "Value passed for the token was invalid." on refresh as a dead grant, without echoing the token [X10]', async () => {
    server.use(
      answer('post', TOKEN_URL, () =>
        json({ error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }, { status: 400 }),
      ),
    );
    const p = await resolveConfigured('x');
    const error = await rejectionOf(refreshAccessToken(p, { refreshToken: 'spent-refresh-token-value-123' }));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, kind: 'permanent' });
    expect(error.message).toBe('invalid_request: Value passed for the token was invalid.');
    expect(error.message).not.toContain('spent-refresh-token');
  });

  it('classifies a missing Basic header (401 unauthorized_client) as configuration, i.e. transient [X9]', async () => {
    server.use(
      answer('post', TOKEN_URL, () =>
        json({ error: 'unauthorized_client', error_description: 'Missing valid authorization header' }, { status: 401 }),
      ),
    );
    const p = await resolveConfigured('x');
    const error = await rejectionOf(refreshAccessToken(p, { refreshToken: 'rt' }));
    expect(error).toMatchObject({ code: 'unauthorized_client', kind: 'transient', status: 401 });
  });

  it('reads x-rate-limit-reset on a 429 as the wait [X6]', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    server.use(
      answer('post', TOKEN_URL, () =>
        json({ errors: [{ code: 88, message: 'Rate limit exceeded' }] }, { status: 429, headers: { 'x-rate-limit-reset': String(reset) } }),
      ),
    );
    const p = await resolveConfigured('x');
    const error = await rejectionOf(refreshAccessToken(p, { refreshToken: 'rt' }));
    expect(error).toMatchObject({ code: 'http_429', kind: 'transient', description: 'Rate limit exceeded' });
    expect(error.retryAfterSec).toBeGreaterThanOrEqual(118);
    expect(error.retryAfterSec).toBeLessThanOrEqual(120);
  });

  it('reads the user from /2/users/me with the bearer token [X7]', async () => {
    server.use(
      answer('get', 'https://api.x.com/2/users/me', ({ request }) =>
        request.headers.get('authorization') === 'Bearer x-at-1'
          ? json({ data: { id: '2244994945', name: 'Ada', username: 'ada', verified: false } })
          : json({ title: 'Unauthorized', detail: 'Unauthorized', status: 401 }, { status: 401 }),
      ),
    );
    const p = await resolveConfigured('x');
    const account = await fetchConnectedAccount(p, { tokenSet: { accessToken: 'x-at-1' } });
    expect(account).toEqual({ externalAccountId: '2244994945', displayName: '@ada', metadata: { name: 'Ada', username: 'ada' } });
  });

  it('revokes the refresh token, then the access token, with Basic + client_id (RFC 7009) [X2]', async () => {
    server.use(answer('post', 'https://api.x.com/2/oauth2/revoke', () => json({ revoked: true })));
    const p = await resolveConfigured('x');
    expect(await revokeGrant(p, { accessToken: 'x-at', refreshToken: 'x-rt' })).toEqual({ revoked: true });
    const sent = await requests();
    expect(sent.map((r) => Object.fromEntries(r.body))).toEqual([
      { token: 'x-rt', token_type_hint: 'refresh_token', client_id: 'x-client' },
      { token: 'x-at', token_type_hint: 'access_token', client_id: 'x-client' },
    ]);
    for (const r of sent) expect(decodeBasic(r.headers.get('authorization'))).toEqual(['x-client', 'x:secret+with/odd chars']);
  });

  it('revokes only the refresh token when no access token is stored: never an empty token= (RFC 7009)', async () => {
    server.use(answer('post', 'https://api.x.com/2/oauth2/revoke', () => json({ revoked: true })));
    const p = await resolveConfigured('x');
    expect(await revokeGrant(p, { refreshToken: 'x-rt' })).toEqual({ revoked: true });
    const sent = await requests();
    expect(sent.map((r) => Object.fromEntries(r.body))).toEqual([{ token: 'x-rt', token_type_hint: 'refresh_token', client_id: 'x-client' }]);
  });
});
