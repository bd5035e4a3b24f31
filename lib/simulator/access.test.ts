import { afterEach, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/simulator/[...path]/route';
import { resetEnvForTests } from '@/lib/env';
import { adminAccessFor } from './access';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { handleSimulatorRequest } from './handler';
import { getProcessSimulatorState } from './process-state';
import { createSimulatorState } from './state';

const ORIGIN = 'http://localhost:3000';
const ADMIN = `${ORIGIN}/api/simulator/_admin`;

afterEach(() => {
  delete process.env.SIMULATOR_ADMIN_SECRET;
  delete process.env.APP_URL;
  resetEnvForTests();
});

function withSecret(secret: string) {
  process.env.SIMULATOR_ADMIN_SECRET = secret;
  resetEnvForTests();
}

describe('simulator admin API access', () => {
  it('answers 401 without SIMULATOR_ADMIN_SECRET as a Bearer token, and serves it with one', async () => {
    withSecret('admin-secret-for-tests');
    const state = getProcessSimulatorState();
    state.knobs.x.accessTokenTtlSec = 99;

    const bare = await POST(new Request(`${ADMIN}/reset`, { method: 'POST' }));
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toContain('Bearer');
    expect(await bare.text()).not.toContain('admin-secret-for-tests');
    const wrong = await POST(new Request(`${ADMIN}/reset`, { method: 'POST', headers: { authorization: 'Bearer admin-secret-for-test' } }));
    expect(wrong.status).toBe(401);
    for (const path of ['state', 'issued']) expect((await GET(new Request(`${ADMIN}/${path}`))).status, path).toBe(401);
    expect(state.knobs.x.accessTokenTtlSec, 'nothing was reset').toBe(99);

    const ok = await POST(new Request(`${ADMIN}/reset`, { method: 'POST', headers: { authorization: 'Bearer admin-secret-for-tests' } }));
    expect(ok.status).toBe(200);
    expect(state.knobs.x.accessTokenTtlSec).toBe(7200);
  });

  it('is off in production without a secret, open outside production, secret-guarded whenever one is set', () => {
    expect(adminAccessFor({ nodeEnv: 'production', simulatorAdminSecret: undefined })).toBe('off');
    expect(adminAccessFor({ nodeEnv: 'development', simulatorAdminSecret: undefined })).toBe('open');
    expect(adminAccessFor({ nodeEnv: 'test', simulatorAdminSecret: undefined })).toBe('open');
    expect(adminAccessFor({ nodeEnv: 'production', simulatorAdminSecret: 's' })).toEqual({ secret: 's' });
    expect(adminAccessFor({ nodeEnv: 'development', simulatorAdminSecret: 's' })).toEqual({ secret: 's' });
  });

  it('refuses every admin call when off, and cross-site calls when open', async () => {
    const state = createSimulatorState();
    const context = (admin: 'off' | 'open') => ({ admin, redirectUris: () => [] });
    const off = await handleSimulatorRequest(state, new Request(`${ADMIN}/reset`, { method: 'POST' }), context('off'));
    expect(off.status).toBe(403);
    expect((await off.json()).message).toContain('SIMULATOR_ADMIN_SECRET');

    const crossSite = new Request(`${ADMIN}/reset`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } });
    expect((await handleSimulatorRequest(state, crossSite, context('open'))).status).toBe(403);
    const fetchSite = new Request(`${ADMIN}/state`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect((await handleSimulatorRequest(state, fetchSite, context('open'))).status).toBe(403);
    const sameOrigin = new Request(`${ADMIN}/reset`, { method: 'POST', headers: { origin: ORIGIN } });
    expect((await handleSimulatorRequest(state, sameOrigin, context('open'))).status).toBe(200);
  });

  it('GET issued lists every code and token handed out, only with SIMULATOR_ADMIN_SECRET', async () => {
    const state = createSimulatorState();
    const issued = (headers: Record<string, string> = {}) => new Request(`${ADMIN}/issued`, { headers });
    const res = await handleSimulatorRequest(state, issued({ authorization: 'Bearer s' }), { admin: { secret: 's' }, redirectUris: () => [] });
    expect(await res.json()).toEqual({ codes: [], accessTokens: [], refreshTokens: [] });
  });

  it('GET issued is refused where the admin API is open (development without a secret), even same-origin; the rest stays open', async () => {
    const state = createSimulatorState();
    const open = { admin: 'open' as const, redirectUris: () => [] };
    for (const headers of [{}, { origin: ORIGIN }, { 'sec-fetch-site': 'same-origin' }] as Record<string, string>[]) {
      const res = await handleSimulatorRequest(state, new Request(`${ADMIN}/issued`, { headers }), open);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'admin_secret_required', message: expect.stringContaining('SIMULATOR_ADMIN_SECRET') });
    }
    expect((await handleSimulatorRequest(state, new Request(`${ADMIN}/state`), open)).status).toBe(200);
  });
});

describe('simulator consent redirect_uri registration', () => {
  const x = SIMULATOR_CREDENTIALS.x.clientId;
  const authorizeUrl = (redirectUri: string) =>
    `${ORIGIN}/api/simulator/x/x.com/i/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: x,
      redirect_uri: redirectUri,
      scope: 'users.read',
      state: 'st',
      code_challenge: 'c'.repeat(43),
      code_challenge_method: 'S256',
    })}`;
  const allow = (url: string) => POST(new Request(url, { method: 'POST', body: new URLSearchParams({ decision: 'allow', persona: 'x-riley' }) }));

  it('redirects only to the app’s own callback for that provider, at its public origin', async () => {
    const codesBefore = getProcessSimulatorState().codes.size;
    const registered = `${ORIGIN}/api/v1/oauth/x/callback`;
    expect((await GET(new Request(authorizeUrl(registered)))).status).toBe(200);
    const approved = await allow(authorizeUrl(registered));
    expect(approved.status).toBe(302);
    expect(approved.headers.get('location')).toMatch(/^http:\/\/localhost:3000\/api\/v1\/oauth\/x\/callback\?code=/);

    for (const other of [
      'https://attacker.example/api/v1/oauth/x/callback',
      `${ORIGIN}/api/v1/oauth/linkedin/callback`,
      `${ORIGIN}/api/v1/oauth/x/callback/extra`,
      `${ORIGIN}/api/v1/oauth/x/callback?next=https://attacker.example`,
      'http://localhost:3001/api/v1/oauth/x/callback',
    ]) {
      const page = await GET(new Request(authorizeUrl(other)));
      expect(page.status, other).toBe(400);
      expect(page.headers.has('location')).toBe(false);
      expect(await page.text()).toContain('not registered');
      const posted = await allow(authorizeUrl(other));
      expect(posted.status, other).toBe(400);
      expect(posted.headers.has('location')).toBe(false);
    }
    expect(getProcessSimulatorState().codes.size, 'one code, for the registered URI').toBe(codesBefore + 1);
  });

  it('registers the APP_URL origin when it is set', async () => {
    process.env.APP_URL = 'https://grantkeeper.example.com';
    resetEnvForTests();
    expect((await GET(new Request(authorizeUrl('https://grantkeeper.example.com/api/v1/oauth/x/callback')))).status).toBe(200);
    expect((await GET(new Request(authorizeUrl(`${ORIGIN}/api/v1/oauth/x/callback`)))).status).toBe(400);
  });
});
