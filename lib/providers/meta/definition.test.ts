import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fetchConnectedAccount } from '@/lib/oauth/accounts';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { revokeGrant } from '@/lib/oauth/revoke';
import { completeCodeExchange, refreshAccessToken } from '@/lib/oauth/token-endpoint';
import { answer, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const GRAPH = 'https://graph.facebook.com/v22.0';
const TOKEN_URL = `${GRAPH}/oauth/access_token`;
const { server, requests } = setupProviderServer();

const metaError = (status: number, code: number, subcode?: number, headers?: Record<string, string>) =>
  answer('post', TOKEN_URL, () =>
    json(
      { error: { message: 'Error validating access token: Session has expired on Tuesday.', type: 'OAuthException', code, error_subcode: subcode, fbtrace_id: 'AbC' } },
      { status, headers },
    ),
  );

describe('Meta (providers.md §4)', () => {
  it('builds the dialog URL with the graph version, comma scopes and no PKCE [M1][M12][M19]', async () => {
    const p = await resolveConfigured('meta');
    const url = new URL(buildAuthorizationUrl(p, { state: 's', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43) }));
    expect(url.origin + url.pathname).toBe('https://www.facebook.com/v22.0/dialog/oauth');
    expect(url.searchParams.get('scope')).toBe('ads_read,business_management,pages_show_list,instagram_basic,public_profile');
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('exchanges the code by POST with form credentials, then for a long-lived token (fb_exchange_token); no secret in a URL [M1][M2][M11]', async () => {
    server.use(
      answer('post', TOKEN_URL, async ({ request }) =>
        new URLSearchParams(await request.text()).get('grant_type') === 'fb_exchange_token'
          ? json({ access_token: 'EAA-long', token_type: 'bearer', expires_in: 5183944 })
          : json({ access_token: 'EAA-short', token_type: 'bearer', expires_in: 5400 }),
      ),
    );
    const p = await resolveConfigured('meta');
    const tokens = await completeCodeExchange(p, { code: 'AQD-code', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) });
    expect(tokens).toEqual({ accessToken: 'EAA-long', tokenType: 'bearer', expiresIn: 5183944 });
    expect(tokens.refreshToken).toBeUndefined();

    const [exchange, longLived] = await requests();
    expect(exchange?.method).toBe('POST');
    expect(exchange?.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(exchange!.body)).toEqual({
      code: 'AQD-code',
      redirect_uri: 'https://app.example/cb',
      client_id: '1234567890',
      client_secret: 'meta-secret',
    });
    expect(longLived?.method).toBe('POST');
    expect(Object.fromEntries(longLived!.body)).toEqual({
      grant_type: 'fb_exchange_token',
      fb_exchange_token: 'EAA-short',
      client_id: '1234567890',
      client_secret: 'meta-secret',
    });
    for (const r of [exchange!, longLived!]) expect(r.url.href, 'nothing in the URL').toBe(TOKEN_URL);
  });

  it('"refreshes" by re-exchanging the current long-lived token [M11]', async () => {
    server.use(answer('post', TOKEN_URL, () => json({ access_token: 'EAA-long-2', token_type: 'bearer' })));
    const p = await resolveConfigured('meta');
    const tokens = await refreshAccessToken(p, { accessToken: 'EAA-long', refreshToken: 'ignored' });
    expect(tokens).toEqual({ accessToken: 'EAA-long-2', tokenType: 'bearer' });
    const [request] = await requests();
    expect(request?.body.get('fb_exchange_token')).toBe('EAA-long');
    expect(request?.body.has('refresh_token')).toBe(false);
    expect(request?.url.search).toBe('');
  });

  it.each([
    [400, 190, 463, 'permanent'],
    [400, 190, 460, 'permanent'],
    [400, 190, undefined, 'permanent'],
    [400, 102, undefined, 'permanent'],
    [400, 100, 36009, 'permanent'],
    [403, 4, undefined, 'transient'],
    [400, 17, undefined, 'transient'],
    [400, 32, undefined, 'transient'],
    [400, 613, undefined, 'transient'],
    [400, 80000, undefined, 'transient'],
    [400, 80014, undefined, 'transient'],
    [500, 1, undefined, 'transient'],
    [400, 2, undefined, 'transient'],
    [400, 100, undefined, 'transient'],
  ] as const)('classifies HTTP %i code %i subcode %s as %s [M4][M5]', async (status, code, subcode, kind) => {
    server.use(metaError(status, code, subcode));
    const p = await resolveConfigured('meta');
    const error = await rejectionOf(refreshAccessToken(p, { accessToken: 'EAA-long' }));
    expect(error).toMatchObject({ code: `OAuthException/${code}`, status, subcode, kind });
  });

  it('reads the wait from X-Business-Use-Case-Usage when throttled (Meta sends no Retry-After) [M5]', async () => {
    const usage = JSON.stringify({ '1234': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 7 }] });
    server.use(metaError(400, 80004, undefined, { 'x-business-use-case-usage': usage }));
    const p = await resolveConfigured('meta');
    const error = await rejectionOf(refreshAccessToken(p, { accessToken: 'EAA-long' }));
    expect(error).toMatchObject({ kind: 'transient', retryAfterSec: 420 });
  });

  it('reads the user, Pages and ad accounts with the token in the Authorization header, keeping no page token [M8][M10b][M17]', async () => {
    server.use(
      answer('get', `${GRAPH}/me`, () => json({ id: '10158', name: 'Ada' })),
      answer('get', `${GRAPH}/me/accounts`, ({ request }) =>
        new URL(request.url).searchParams.get('after') === 'page2'
          ? json({ data: [{ id: 'p2', name: 'Second', access_token: 'EAA-page-2', tasks: ['ADVERTISE'] }] })
          : json({
              data: [{ id: 'p1', name: 'First', access_token: 'EAA-page-1', tasks: ['MANAGE'], instagram_business_account: { id: '17841405822304914', username: 'first.ig' } }],
              paging: { cursors: { before: 'x', after: 'page2' }, next: `${GRAPH}/me/accounts?after=page2&access_token=EAA-user` },
            }),
      ),
      answer('get', `${GRAPH}/me/adaccounts`, () =>
        json({ data: [{ id: 'act_42', account_id: '42', name: 'Ads', currency: 'EUR', account_status: 1, timezone_name: 'Europe/Berlin' }] }),
      ),
    );
    const p = await resolveConfigured('meta');
    const account = await fetchConnectedAccount(p, { tokenSet: { accessToken: 'EAA-user' } });
    expect(account.externalAccountId).toBe('10158');
    expect(account.metadata).toEqual({
      pages: [
        { id: 'p1', name: 'First', tasks: ['MANAGE'], instagramBusinessAccountId: '17841405822304914', instagramUsername: 'first.ig' },
        { id: 'p2', name: 'Second', tasks: ['ADVERTISE'], instagramBusinessAccountId: undefined, instagramUsername: undefined },
      ],
      instagramBusinessAccountIds: ['17841405822304914'],
      adAccounts: [{ id: 'act_42', accountId: '42', name: 'Ads', currency: 'EUR', accountStatus: 1, timezoneName: 'Europe/Berlin' }],
    });
    const serialized = JSON.stringify(account.metadata);
    expect(serialized).not.toContain('access_token');
    expect(serialized).not.toContain('EAA');

    const sent = await requests();
    for (const r of sent) {
      expect(r.headers.get('authorization')).toBe('Bearer EAA-user');
      expect(r.url.href, 'no token in the URL').not.toContain('EAA-user');
      expect(r.url.searchParams.has('access_token')).toBe(false);
      // META_APP_SECRET_PROOF is off by default.
      expect(r.url.searchParams.has('appsecret_proof')).toBe(false);
    }
    const pages = sent.filter((r) => r.url.pathname === '/v22.0/me/accounts');
    expect(pages).toHaveLength(2);
    // The page token is never asked for.
    expect(pages[0]?.url.searchParams.get('fields')).toBe('id,name,tasks,instagram_business_account{id,username}');
    expect(sent.find((r) => r.url.pathname === '/v22.0/me/adaccounts')?.url.searchParams.get('fields')).toBe(
      'id,account_id,name,currency,account_status,timezone_name',
    );
  });

  it('revokes with DELETE /me/permissions [M7]', async () => {
    server.use(answer('delete', `${GRAPH}/me/permissions`, () => json({ success: true })));
    const p = await resolveConfigured('meta');
    expect(await revokeGrant(p, { accessToken: 'EAA-user' })).toEqual({ revoked: true });
    const [request] = await requests();
    expect(request?.method).toBe('DELETE');
    expect(request?.headers.get('authorization')).toBe('Bearer EAA-user');
    expect(request?.url.search).toBe('');
  });

  it('adds appsecret_proof = HMAC-SHA256(app secret, token) to every Graph call with META_APP_SECRET_PROOF=on [M17]', async () => {
    server.use(
      answer('get', `${GRAPH}/me`, () => json({ id: '10158', name: 'Ada' })),
      answer('get', `${GRAPH}/me/accounts`, () => json({ data: [] })),
      answer('get', `${GRAPH}/me/adaccounts`, () => json({ data: [] })),
      answer('delete', `${GRAPH}/me/permissions`, () => json({ success: true })),
    );
    const p = await resolveConfigured('meta', { META_APP_SECRET_PROOF: 'on' });
    await fetchConnectedAccount(p, { tokenSet: { accessToken: 'EAA-user' } });
    await revokeGrant(p, { accessToken: 'EAA-user' });
    const sent = await requests();
    expect(sent).toHaveLength(4);
    const proof = createHmac('sha256', 'meta-secret').update('EAA-user').digest('hex');
    for (const r of sent) {
      expect(r.url.searchParams.get('appsecret_proof'), r.url.pathname).toBe(proof);
      expect(r.headers.get('authorization')).toBe('Bearer EAA-user');
      expect(r.url.searchParams.has('access_token')).toBe(false);
    }
  });

  it('reports a revoke refused with an expired token as a permanent ProviderError', async () => {
    server.use(answer('delete', `${GRAPH}/me/permissions`, () => json({ error: { message: 'expired', type: 'OAuthException', code: 190, error_subcode: 463 } }, { status: 400 })));
    const p = await resolveConfigured('meta');
    expect(await rejectionOf(revokeGrant(p, { accessToken: 'EAA-user' }))).toMatchObject({ code: 'OAuthException/190', kind: 'permanent' });
  });

  it('labels the connection by the user id when Meta gives no name', async () => {
    server.use(
      answer('get', `${GRAPH}/me`, () => json({ id: '10158' })),
      answer('get', `${GRAPH}/me/accounts`, () => json({ data: [] })),
      answer('get', `${GRAPH}/me/adaccounts`, () => json({ data: [] })),
    );
    const p = await resolveConfigured('meta');
    expect((await fetchConnectedAccount(p, { tokenSet: { accessToken: 'EAA-user' } })).displayName).toBe('10158');
  });
});
