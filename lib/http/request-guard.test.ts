import { describe, expect, it } from 'vitest';
import { resolveAppOrigin } from './app-origin';
import { guardRequest, type GuardEnv, type GuardRequest } from './request-guard';

const LOCAL: GuardEnv = { appUrl: undefined, trustProxy: false, localAllowRemote: false, auth: { mode: 'local' } };
const CLERK: GuardEnv = { ...LOCAL, auth: { mode: 'clerk' } };

function request(method: string, pathname: string, headers: Record<string, string>): GuardRequest {
  return { method, pathname, protocol: 'http:', headers: new Headers(headers) };
}

describe('local mode answers only loopback Host names (item 1)', () => {
  it('serves localhost, 127.0.0.1 and [::1]', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000']) {
      expect(guardRequest(LOCAL, request('GET', '/', { host })), host).toEqual({ ok: true, appOrigin: `http://${host}` });
    }
  });

  it('refuses a rebound or remote Host with 403, on pages and API alike', () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/api/v1/oauth/status'], ['GET', '/api/health']]) {
      const result = guardRequest(LOCAL, request(method!, path!, { host: 'attacker.example:3000' }));
      expect(result).toMatchObject({ ok: false, refusal: 'host_not_loopback', status: 403 });
    }
    expect(guardRequest(LOCAL, request('GET', '/', { host: '192.168.1.20:3000' }))).toMatchObject({ ok: false });
  });

  it('with TRUST_PROXY, the forwarded host must be loopback too', () => {
    const env = { ...LOCAL, trustProxy: true };
    expect(guardRequest(env, request('GET', '/', { host: 'localhost:3000', 'x-forwarded-host': 'public.example' }))).toMatchObject({
      ok: false,
      refusal: 'host_not_loopback',
    });
  });

  it('answers any host after the operator opts in, and in Clerk mode', () => {
    const remote = request('GET', '/', { host: 'box.lan:3000' });
    expect(guardRequest({ ...LOCAL, localAllowRemote: true }, remote)).toEqual({ ok: true, appOrigin: 'http://box.lan:3000' });
    expect(guardRequest(CLERK, remote)).toEqual({ ok: true, appOrigin: 'http://box.lan:3000' });
  });
});

describe('a change must come from our own origin (item 2)', () => {
  const host = 'localhost:3000';

  it('refuses a cross-site POST in local mode — the text/plain form that created an API key', () => {
    const result = guardRequest(LOCAL, request('POST', '/api/v1/api-keys', { host, origin: 'https://attacker.example', 'content-type': 'text/plain' }));
    expect(result).toMatchObject({ ok: false, refusal: 'cross_site', status: 403 });
  });

  it('refuses a change with no Origin at all, or Origin null, in local mode', () => {
    expect(guardRequest(LOCAL, request('DELETE', '/api/v1/api-keys/x', { host }))).toMatchObject({ ok: false, refusal: 'cross_site' });
    expect(guardRequest(LOCAL, request('POST', '/api/v1/api-keys', { host, origin: 'null' }))).toMatchObject({ ok: false });
  });

  it('accepts our own Origin, or Sec-Fetch-Site: same-origin', () => {
    expect(guardRequest(LOCAL, request('POST', '/api/v1/api-keys', { host, origin: 'http://localhost:3000' })).ok).toBe(true);
    expect(guardRequest(LOCAL, request('PUT', '/api/v1/notifications/endpoint', { host, 'sec-fetch-site': 'same-origin' })).ok).toBe(true);
    // A different port is a different origin.
    expect(guardRequest(LOCAL, request('POST', '/api/v1/api-keys', { host, origin: 'http://localhost:3001' })).ok).toBe(false);
    expect(guardRequest(LOCAL, request('POST', '/api/v1/api-keys', { host, 'sec-fetch-site': 'same-site' })).ok).toBe(false);
  });

  it('covers server actions: a POST to a page with Next-Action', () => {
    const action = { host, 'next-action': 'abc123', origin: 'https://attacker.example' };
    expect(guardRequest(LOCAL, request('POST', '/settings', action))).toMatchObject({ ok: false, refusal: 'cross_site' });
  });

  it('in Clerk mode, refuses a session cookie with a foreign Origin on POST and DELETE', () => {
    for (const method of ['POST', 'DELETE', 'PATCH']) {
      const result = guardRequest(CLERK, request(method, '/api/v1/connections/x', { host, cookie: '__session=jwt', origin: 'https://attacker.example' }));
      expect(result, method).toMatchObject({ ok: false, refusal: 'cross_site' });
    }
  });

  it('leaves alone what a browser cannot forge or what authenticates otherwise', () => {
    const foreign = { host, origin: 'https://attacker.example' };
    // Reads.
    expect(guardRequest(LOCAL, request('GET', '/api/v1/api-keys', foreign)).ok).toBe(true);
    // A bearer credential and no cookie: API keys, programs holding a Clerk session token.
    expect(guardRequest(LOCAL, request('POST', '/api/v1/api-keys', { host, authorization: 'Bearer gk_abc' })).ok).toBe(true);
    expect(guardRequest(CLERK, request('DELETE', '/api/v1/connections/x', { host, authorization: 'Bearer ey.jwt' })).ok).toBe(true);
    // Clerk without a cookie: nothing to ride on; Clerk answers 401 itself.
    expect(guardRequest(CLERK, request('POST', '/api/v1/api-keys', foreign)).ok).toBe(true);
    // Machines and the simulator's stand-in provider pages.
    for (const path of ['/api/cron/refresh-tokens', '/api/webhooks/clerk', '/api/simulator/x/x.com/i/oauth2/authorize']) {
      expect(guardRequest(LOCAL, request('POST', path, foreign)).ok, path).toBe(true);
    }
  });

  it('a bearer header does not excuse a request that also carries a cookie', () => {
    const headers = { host, cookie: '__session=jwt', authorization: 'Bearer x', origin: 'https://attacker.example' };
    expect(guardRequest(CLERK, request('POST', '/api/v1/api-keys', headers)).ok).toBe(false);
  });
});

describe('the app origin (item 3)', () => {
  it('is APP_URL whenever it is set, whatever the headers say', () => {
    const headers = new Headers({ host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' });
    expect(resolveAppOrigin({ appUrl: 'https://gk.example.com', trustProxy: true }, headers)).toBe('https://gk.example.com');
  });

  it('ignores X-Forwarded-Host/-Proto unless TRUST_PROXY is on', () => {
    const headers = new Headers({ host: 'localhost:3000', 'x-forwarded-host': 'attacker.example:4444', 'x-forwarded-proto': 'https' });
    expect(resolveAppOrigin({ appUrl: undefined, trustProxy: false }, headers)).toBe('http://localhost:3000');
    expect(resolveAppOrigin({ appUrl: undefined, trustProxy: true }, headers)).toBe('https://attacker.example:4444');
  });

  it('a forged X-Forwarded-Host with a matching Origin does not pass the same-origin check', () => {
    const forged = request('POST', '/', {
      host: 'localhost:3000',
      'x-forwarded-host': 'attacker.example',
      origin: 'https://attacker.example',
      'next-action': 'abc',
    });
    expect(guardRequest(LOCAL, forged)).toMatchObject({ ok: false, refusal: 'cross_site' });
  });

  it('follows the Host the browser used, not the address the server listens on', () => {
    expect(resolveAppOrigin({ appUrl: undefined, trustProxy: false }, new Headers({ host: '127.0.0.1:3000' }))).toBe('http://127.0.0.1:3000');
    expect(resolveAppOrigin({ appUrl: undefined, trustProxy: false }, new Headers({ host: 'x:443' }), 'https:')).toBe('https://x');
  });

  it('is null, and the request refused with 400, for a Host that is not a host', () => {
    expect(resolveAppOrigin({ appUrl: undefined, trustProxy: false }, new Headers({}))).toBeNull();
    expect(guardRequest(CLERK, request('GET', '/', { host: 'a b' }))).toMatchObject({ ok: false, refusal: 'bad_host', status: 400 });
  });
});
