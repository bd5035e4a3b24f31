import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl } from '@/lib/oauth/authorization-url';
import { refreshAccessToken } from '@/lib/oauth/token-endpoint';
import { SIMULATOR_CREDENTIALS } from '@/lib/simulator/credentials';
import { answer, json, setupProviderServer, testEnv } from '@/tests/support/provider-http';
import { createProviderFetch, createSimulatorRewrite, getProviderDefinition, listProviderStatus, resolveProvider } from './registry';

const { server, requests } = setupProviderServer();
const ORIGIN = 'http://localhost:3000';

describe('provider registry', () => {
  it('uses environment credentials, with real URLs', async () => {
    const p = await resolveProvider('x', { env: testEnv({ X_CLIENT_ID: 'id', X_CLIENT_SECRET: 'secret' }), origin: ORIGIN });
    expect(p).toMatchObject({ simulated: false, credentials: { clientId: 'id', clientSecret: 'secret' } });
    expect(p?.rewriteUrl('https://api.x.com/2/oauth2/token')).toBe('https://api.x.com/2/oauth2/token');
  });

  it('stands the simulator in when credentials are missing and it is enabled', async () => {
    const p = await resolveProvider('x', { env: testEnv({ SIMULATOR: 'on' }), origin: `${ORIGIN}/` });
    expect(p).toMatchObject({ simulated: true, credentials: SIMULATOR_CREDENTIALS.x });
    expect(p?.credentials.clientId).toBe('sim-x-client');
    const url = buildAuthorizationUrl(p!, { state: 's', redirectUri: `${ORIGIN}/cb`, codeChallenge: 'c'.repeat(43) });
    expect(url.startsWith(`${ORIGIN}/api/simulator/x/x.com/i/oauth2/authorize?response_type=code&`)).toBe(true);
  });

  it('sends simulated calls to the simulator path, query intact', async () => {
    server.use(answer('post', `${ORIGIN}/api/simulator/amazon-ads/api.amazon.co.uk/auth/o2/token`, () => json({ access_token: 'sim-at' })));
    const p = await resolveProvider('amazon-ads', { env: testEnv({ SIMULATOR: 'on' }), origin: ORIGIN });
    expect((await refreshAccessToken(p!, { refreshToken: 'rt', region: 'eu' })).accessToken).toBe('sim-at');
    expect((await requests())[0]?.body.get('client_secret')).toBe('sim-amazon-ads-secret');
  });

  it('rewrites https://<host><path>?q to <origin>/api/simulator/<slug>/<host><path>?q', () => {
    const rewrite = createSimulatorRewrite('http://127.0.0.1:3000', 'linkedin');
    expect(rewrite('https://api.linkedin.com/rest/adAccounts?q=search&search=(status:(values:List(ACTIVE)))')).toBe(
      'http://127.0.0.1:3000/api/simulator/linkedin/api.linkedin.com/rest/adAccounts?q=search&search=(status:(values:List(ACTIVE)))',
    );
    expect(rewrite('http://not-a-provider/x')).toBe('http://not-a-provider/x');
  });

  it('is not configured without credentials when the simulator is off (or in production by default)', async () => {
    expect(await resolveProvider('meta', { env: testEnv({ SIMULATOR: 'off' }), origin: ORIGIN })).toBeNull();
    const production = { ...testEnv(), nodeEnv: 'production' as const, simulator: undefined };
    expect(await resolveProvider('meta', { env: production, origin: ORIGIN })).toBeNull();
    expect(await resolveProvider('oidc', { env: testEnv({ SIMULATOR: 'on' }), origin: ORIGIN })).toBeNull();
  });

  it('gives LinkedIn refresh only with LINKEDIN_REFRESH_TOKENS, but always in the simulator', async () => {
    const real = { LINKEDIN_CLIENT_ID: 'id', LINKEDIN_CLIENT_SECRET: 's' };
    expect((await resolveProvider('linkedin', { env: testEnv(real), origin: ORIGIN }))?.definition.refresh).toBe('none');
    expect((await resolveProvider('linkedin', { env: testEnv({ ...real, LINKEDIN_REFRESH_TOKENS: 'on' }), origin: ORIGIN }))?.definition.refresh).toBe('refresh_token');
    expect((await resolveProvider('linkedin', { env: testEnv({ SIMULATOR: 'on' }), origin: ORIGIN }))?.definition.refresh).toBe('refresh_token');
  });

  it('puts the Meta graph version in every URL', () => {
    const endpoints = getProviderDefinition('meta', { env: testEnv({ META_GRAPH_VERSION: 'v23.0' }) }).endpoints(undefined);
    expect(endpoints).toEqual({
      authorization: 'https://www.facebook.com/v23.0/dialog/oauth',
      token: 'https://graph.facebook.com/v23.0/oauth/access_token',
      revoke: 'https://graph.facebook.com/v23.0/me/permissions',
    });
    expect(getProviderDefinition('oidc')).toBeNull();
  });

  it('lists every provider with its status and the variables to set, without secrets', () => {
    const env = testEnv({ SIMULATOR: 'on', X_CLIENT_ID: 'id', X_CLIENT_SECRET: 'very-secret' });
    const list = listProviderStatus(env);
    expect(list.map((s) => [s.slug, s.status])).toEqual([
      ['amazon-ads', 'simulated'],
      ['linkedin', 'simulated'],
      ['x', 'configured'],
      ['meta', 'simulated'],
      ['oidc', 'not_configured'],
    ]);
    expect(list.find((s) => s.slug === 'amazon-ads')?.envVars).toEqual(['AMAZON_ADS_CLIENT_ID', 'AMAZON_ADS_CLIENT_SECRET']);
    expect(list.find((s) => s.slug === 'oidc')?.envVars).toEqual(['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']);
    expect(JSON.stringify(list)).not.toContain('very-secret');
    expect(listProviderStatus(testEnv({ SIMULATOR: 'off' })).every((s) => s.status === 'not_configured')).toBe(true);
  });

  it('without an environment, LinkedIn and Meta get the same defaults lib/env.ts applies (no refresh, default versions)', () => {
    const env = testEnv();
    const linkedin = getProviderDefinition('linkedin') as ReturnType<typeof getProviderDefinition> & { apiVersion: string };
    expect(linkedin.refresh).toBe('none');
    expect(linkedin.apiVersion).toBe(env.providers.linkedinApiVersion);
    expect(getProviderDefinition('meta').endpoints(undefined).token).toBe(getProviderDefinition('meta', { env }).endpoints(undefined).token);
  });

  it('an OIDC provider is listed as configured under its name', () => {
    const env = testEnv({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', OIDC_NAME: 'Example SSO' });
    expect(listProviderStatus(env).find((s) => s.slug === 'oidc')).toMatchObject({ name: 'Example SSO', status: 'configured' });
  });

  it('provider fetch rewrites URL and Request inputs alike, keeps the caller’s signal, else adds a timeout', async () => {
    const seen: { url: string; method: string; signal: AbortSignal | null | undefined }[] = [];
    const base = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      seen.push({ url, method: input instanceof Request ? input.method : (init?.method ?? 'GET'), signal: init?.signal });
      return new Response('ok');
    }) as typeof fetch;
    const providerFetch = createProviderFetch(createSimulatorRewrite(ORIGIN, 'x'), 5_000, base);
    const own = new AbortController().signal;
    await providerFetch(new URL('https://api.x.com/2/users/me'), { signal: own });
    await providerFetch(new Request('https://api.x.com/2/oauth2/revoke', { method: 'POST', body: 'token=t' }));
    expect(seen.map((r) => [r.url, r.method])).toEqual([
      [`${ORIGIN}/api/simulator/x/api.x.com/2/users/me`, 'GET'],
      [`${ORIGIN}/api/simulator/x/api.x.com/2/oauth2/revoke`, 'POST'],
    ]);
    expect(seen[0]!.signal).toBe(own);
    expect(seen[1]!.signal).toBeInstanceOf(AbortSignal);
    expect(seen[1]!.signal).not.toBe(own);
  });
});
