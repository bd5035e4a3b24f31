import { describe, expect, it } from 'vitest';
import { fetchConnectedAccount } from '@/lib/oauth/accounts';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { revokeGrant } from '@/lib/oauth/revoke';
import { completeCodeExchange, refreshAccessToken } from '@/lib/oauth/token-endpoint';
import { answer, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const { server, requests } = setupProviderServer();
const CLIENT_ID = 'amzn1.application-oa2-client.abc';

describe('Amazon Ads / LWA (providers.md §1)', () => {
  it.each([
    ['na', 'https://www.amazon.com/ap/oa'],
    ['eu', 'https://eu.account.amazon.com/ap/oa'],
    ['fe', 'https://apac.account.amazon.com/ap/oa'],
  ] as const)('sends region %s to its consent host with an explicit S256 method [AZ1][AZ10]', async (region, host) => {
    const p = await resolveConfigured('amazon-ads');
    const url = new URL(buildAuthorizationUrl(p, { state: 's', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43), region }));
    expect(url.origin + url.pathname).toBe(host);
    expect(url.search).toContain('scope=advertising%3A%3Acampaign_management%20profile');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('exchanges a code at the EU token host with body credentials and a string expires_in [AZ2][AZ14]', async () => {
    server.use(
      answer('post', 'https://api.amazon.co.uk/auth/o2/token', () =>
        json({ access_token: 'Atza|IQEB-at', token_type: 'bearer', expires_in: '3600', refresh_token: 'Atzr|IQEB-rt' }),
      ),
    );
    const p = await resolveConfigured('amazon-ads');
    const tokens = await completeCodeExchange(p, { code: 'ANdNAVhyhqirUelHGEHA', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43), region: 'eu' });
    expect(tokens).toEqual({ accessToken: 'Atza|IQEB-at', refreshToken: 'Atzr|IQEB-rt', expiresIn: 3600, tokenType: 'bearer' });
    const [request] = await requests();
    expect(request?.headers.get('authorization')).toBeNull();
    expect(Object.fromEntries(request!.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'ANdNAVhyhqirUelHGEHA',
      redirect_uri: 'https://app.example/cb',
      code_verifier: 'v'.repeat(43),
      client_id: CLIENT_ID,
      client_secret: 'amzn-secret',
    });
  });

  it('refreshes at the NA host by default; a response without refresh_token or expires_in leaves them undefined [AZ16]', async () => {
    server.use(answer('post', 'https://api.amazon.com/auth/o2/token', () => json({ access_token: 'Atza|new', token_type: 'bearer' })));
    const p = await resolveConfigured('amazon-ads');
    const tokens = await refreshAccessToken(p, { refreshToken: 'Atzr|IQEB-rt' });
    expect(tokens).toEqual({ accessToken: 'Atza|new', tokenType: 'bearer' });
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresIn).toBeUndefined();
    const [request] = await requests();
    // `|` must be percent-encoded in the form body [AZ11].
    expect(request?.body.toString()).toContain('refresh_token=Atzr%7CIQEB-rt');
    expect(Object.fromEntries(request!.body)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'Atzr|IQEB-rt',
      client_id: CLIENT_ID,
      client_secret: 'amzn-secret',
    });
  });

  it('marks a revoked refresh token permanent and a bad secret transient [AZ18]', async () => {
    const p = await resolveConfigured('amazon-ads');
    server.use(
      answer('post', 'https://api.amazon.com/auth/o2/token', () =>
        json(
          {
            error: 'invalid_grant',
            error_description:
              "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
          },
          { status: 400 },
        ),
      ),
    );
    expect(await rejectionOf(refreshAccessToken(p, { refreshToken: 'Atzr|x' }))).toMatchObject({ code: 'invalid_grant', kind: 'permanent' });
    server.use(
      answer('post', 'https://api.amazon.com/auth/o2/token', () =>
        json({ error: 'invalid_client', error_description: 'Client authentication failed' }, { status: 401 }),
      ),
    );
    expect(await rejectionOf(refreshAccessToken(p, { refreshToken: 'Atzr|x' }))).toMatchObject({ code: 'invalid_client', kind: 'transient' });
  });

  it('reads the LWA user and the profiles of all three regional hosts, grouped by region [AZ5][AZ12]', async () => {
    const profile = (profileId: number, countryCode: string) => ({
      profileId,
      countryCode,
      currencyCode: 'EUR',
      timezone: 'Europe/Berlin',
      dailyBudget: 10,
      accountInfo: { marketplaceStringId: 'A1PA6795UKMFR9', id: 'ENTITY1', type: 'seller', name: 'Shop', validPaymentMethod: true },
    });
    const hostProfiles: Record<string, unknown[]> = {
      'advertising-api.amazon.com': [],
      'advertising-api-eu.amazon.com': [profile(3333333333333, 'DE'), profile(44, 'FR')],
      'advertising-api-fe.amazon.com': [{ ...profile(55, 'JP'), accountInfo: { id: 'E2', type: 'vendor', name: 'JP', marketplaceStringId: 'A1VC38T7YXB528' } }],
    };
    server.use(
      answer('get', 'https://api.amazon.com/user/profile', () => json({ user_id: 'amzn1.account.AF', name: 'Ada', email: 'ada@example.com' })),
      answer('get', 'https://:host/v2/profiles', ({ request }) => json(hostProfiles[new URL(request.url).host])),
    );
    const p = await resolveConfigured('amazon-ads');
    const account = await fetchConnectedAccount(p, { tokenSet: { accessToken: 'Atza|at' } });

    expect(account.externalAccountId).toBe('amzn1.account.AF');
    expect(account.displayName).toBe('Ada');
    const profiles = (account.metadata as { profiles: Record<string, { profileId: string; countryCode: string }[]> }).profiles;
    expect(Object.keys(profiles)).toEqual(['na', 'eu', 'fe']);
    expect(profiles.na).toEqual([]);
    expect(profiles.eu?.map((x) => x.profileId)).toEqual(['3333333333333', '44']);
    expect(profiles.fe?.[0]).toEqual({
      profileId: '55',
      countryCode: 'JP',
      currencyCode: 'EUR',
      timezone: 'Europe/Berlin',
      accountInfo: { id: 'E2', type: 'vendor', name: 'JP', marketplaceStringId: 'A1VC38T7YXB528' },
    });

    const profileCalls = (await requests()).filter((r) => r.url.pathname === '/v2/profiles');
    expect(profileCalls.map((r) => r.url.host).sort()).toEqual([
      'advertising-api-eu.amazon.com',
      'advertising-api-fe.amazon.com',
      'advertising-api.amazon.com',
    ]);
    for (const call of profileCalls) {
      expect(call.headers.get('amazon-advertising-api-clientid')).toBe(CLIENT_ID);
      expect(call.headers.get('authorization')).toBe('Bearer Atza|at');
      expect(call.headers.get('amazon-advertising-api-scope')).toBeNull();
    }
  });

  it('fails the identity step when a regional host fails, as a classified ProviderError', async () => {
    server.use(
      answer('get', 'https://api.amazon.com/user/profile', () => json({ user_id: 'amzn1.account.AF' })),
      answer('get', 'https://:host/v2/profiles', ({ request }) =>
        new URL(request.url).host === 'advertising-api-fe.amazon.com'
          ? json({ code: 'UNAUTHORIZED', details: 'Not authorized to access scope' }, { status: 401 })
          : json([]),
      ),
    );
    const p = await resolveConfigured('amazon-ads');
    const error = await rejectionOf(fetchConnectedAccount(p, { tokenSet: { accessToken: 'Atza|at' } }));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, description: 'Not authorized to access scope' });
  });

  it('cannot revoke programmatically: returns the manual hint without a request [AZ13]', async () => {
    const p = await resolveConfigured('amazon-ads');
    expect(await revokeGrant(p, { accessToken: 'Atza|at', refreshToken: 'Atzr|rt' })).toEqual({
      revoked: false,
      manual: 'Remove Grantkeeper at https://www.amazon.com/ap/adam',
    });
    expect(await requests()).toHaveLength(0);
  });

  it('labels the connection by the user’s email when Amazon gives no name, else by the user id', async () => {
    const users = [{ user_id: 'amzn1.account.A', email: 'ada@example.com' }, { user_id: 'amzn1.account.B' }];
    server.use(
      answer('get', 'https://api.amazon.com/user/profile', () => json(users.shift())),
      answer('get', 'https://:host/v2/profiles', () => json([])),
    );
    const p = await resolveConfigured('amazon-ads');
    expect((await fetchConnectedAccount(p, { tokenSet: { accessToken: 'Atza|at' } })).displayName).toBe('ada@example.com');
    expect((await fetchConnectedAccount(p, { tokenSet: { accessToken: 'Atza|at' } })).displayName).toBe('amzn1.account.B');
  });
});
