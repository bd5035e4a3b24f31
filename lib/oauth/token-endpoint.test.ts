import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { answer, json, rejectionOf, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';
import { networkError } from './http';
import { buildCodeExchangeRequest, exchangeCode, refreshAccessToken } from './token-endpoint';

/** Engine behaviour common to every provider, exercised through Amazon's and X's definitions. */

const AMAZON_TOKEN = 'https://api.amazon.com/auth/o2/token';
const { server, requests } = setupProviderServer();

const refreshAmazon = async (timeoutMs?: number, resolveTimeoutMs?: number) =>
  refreshAccessToken(await resolveConfigured('amazon-ads', {}, resolveTimeoutMs), { refreshToken: 'Atzr|rt', timeoutMs });

describe('token endpoint responses (RFC 6749 §5.1)', () => {
  it.each([
    ['a number', 3600, 3600],
    ['a numeric string', '3600', 3600],
    ['a fractional number', 3599.7, 3599],
    ['null', null, undefined],
    ['absent', undefined, undefined],
  ])('reads expires_in given as %s', async (_label, expiresIn, expected) => {
    server.use(answer('post', AMAZON_TOKEN, () => json({ access_token: 'at', expires_in: expiresIn })));
    expect((await refreshAmazon()).expiresIn).toBe(expected);
  });

  it.each([
    ['space-separated', 'a b  c', ['a', 'b', 'c']],
    ['comma-separated', 'a,b, c', ['a', 'b', 'c']],
    ['an array', ['a', 'b'], ['a', 'b']],
    ['absent', undefined, undefined],
  ])('reads scope %s', async (_label, scope, expected) => {
    server.use(answer('post', AMAZON_TOKEN, () => json({ access_token: 'at', scope })));
    expect((await refreshAmazon()).scopes).toEqual(expected);
  });

  it('leaves refresh_token undefined when absent, null or empty (the caller keeps the stored one)', async () => {
    for (const refresh_token of [undefined, null, '']) {
      server.use(answer('post', AMAZON_TOKEN, () => json({ access_token: 'at', refresh_token })));
      const tokens = await refreshAmazon();
      expect(tokens).not.toHaveProperty('refreshToken');
    }
  });

  it.each([
    ['no access_token', { token_type: 'bearer' }, 'access_token'],
    ['a non-numeric expires_in', { access_token: 'at', expires_in: 'soon' }, 'expires_in'],
    ['a body that is not JSON', '<html>ok</html>', '(body)'],
  ])('reports a 200 with %s as a transient invalid_response naming the field, not its value', async (_label, body, path) => {
    server.use(answer('post', AMAZON_TOKEN, () => (typeof body === 'string' ? new HttpResponse(body, { status: 200 }) : json(body))));
    const error = await rejectionOf(refreshAmazon());
    expect(error).toMatchObject({ code: 'invalid_response', kind: 'transient', status: 200 });
    expect(error.description).toContain(path);
  });

  it('treats a 200 carrying an OAuth error as that error', async () => {
    server.use(answer('post', AMAZON_TOKEN, () => json({ error: 'invalid_grant', error_description: 'revoked' })));
    expect(await rejectionOf(refreshAmazon())).toMatchObject({ code: 'invalid_grant', kind: 'permanent' });
  });
});

describe('token endpoint failures', () => {
  it.each([
    ['429 with Retry-After seconds', 429, { 'retry-after': '30' }, 30],
    ['503 with an HTTP date', 503, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }, 60],
  ])('%s is transient with the wait', async (_label, status, headers, wait) => {
    server.use(answer('post', AMAZON_TOKEN, () => new HttpResponse('<html>busy</html>', { status, headers })));
    const error = await rejectionOf(refreshAmazon());
    expect(error).toMatchObject({ code: `http_${status}`, status, kind: 'transient' });
    expect(error.retryAfterSec).toBeGreaterThanOrEqual(wait - 2);
    expect(error.retryAfterSec).toBeLessThanOrEqual(wait);
  });

  it('maps a connection failure to a transient network error', async () => {
    server.use(http.post(AMAZON_TOKEN, () => HttpResponse.error()));
    expect(await rejectionOf(refreshAmazon())).toMatchObject({ code: 'network', kind: 'transient' });
  });

  it('times out per call', async () => {
    server.use(http.post(AMAZON_TOKEN, async () => {
      await delay(2_000);
      return json({ access_token: 'late' });
    }));
    const started = Date.now();
    expect(await rejectionOf(refreshAmazon(50))).toMatchObject({ code: 'timeout', kind: 'transient' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('times out by the resolved provider default', async () => {
    server.use(http.post(AMAZON_TOKEN, async () => {
      await delay(2_000);
      return json({ access_token: 'late' });
    }));
    expect(await rejectionOf(refreshAmazon(undefined, 50))).toMatchObject({ code: 'timeout', kind: 'transient' });
  });

  it('does not follow a redirect from the token endpoint (the secret would travel on)', async () => {
    server.use(http.post(AMAZON_TOKEN, () => new HttpResponse(null, { status: 302, headers: { location: 'https://evil.example/' } })));
    expect(await rejectionOf(refreshAmazon())).toMatchObject({ code: 'http_302', kind: 'transient' });
    expect((await requests()).map((r) => r.url.host)).toEqual(['api.amazon.com']);
  });

  it('never puts the code, verifier, tokens or client secret in the error, even when the provider echoes them', async () => {
    server.use(
      http.post('https://api.x.com/2/oauth2/token', async ({ request }) => {
        const body = new URLSearchParams(await request.text());
        const echo = `code ${body.get('code')} verifier ${body.get('code_verifier')} auth ${request.headers.get('authorization')} secret x:secret+with/odd chars`;
        return json({ error: 'invalid_request', error_description: echo }, { status: 400 });
      }),
    );
    const p = await resolveConfigured('x');
    const error = await rejectionOf(exchangeCode(p, { code: 'ab12', redirectUri: 'https://app.example/cb', codeVerifier: 'V'.repeat(43) }));
    const text = `${error.message} ${error.description} ${JSON.stringify(error)}`;
    for (const secret of ['ab12', 'V'.repeat(43), 'x:secret+with/odd chars', 'eC1jbGllbnQ6']) expect(text).not.toContain(secret);
    expect(error.message).toContain('code [redacted]');
  });
});

describe('refresh without what the strategy needs', () => {
  it('a refresh-token grant with no stored refresh token, and a Meta grant with no access token, fail for good without a request', async () => {
    const x = await resolveConfigured('x');
    expect(await rejectionOf(refreshAccessToken(x, { refreshToken: undefined }))).toMatchObject({ code: 'missing_refresh_token', kind: 'permanent' });
    const meta = await resolveConfigured('meta');
    expect(await rejectionOf(refreshAccessToken(meta, { accessToken: undefined }))).toMatchObject({ code: 'missing_access_token', kind: 'permanent' });
    expect(await requests()).toEqual([]);
  });
});

describe('network failures (networkError)', () => {
  it('names the socket error code when there is one, else says the connection failed; an abort is a timeout', () => {
    expect(networkError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toMatchObject({ code: 'network', description: 'ECONNREFUSED', kind: 'transient' });
    expect(networkError(new TypeError('fetch failed', { cause: { code: 42 } }))).toMatchObject({ code: 'network', description: 'connection failed' });
    expect(networkError('a string thrown by a fetch shim')).toMatchObject({ code: 'network', description: 'connection failed', kind: 'transient' });
    expect(networkError(new DOMException('aborted', 'AbortError'))).toMatchObject({ code: 'timeout', kind: 'transient' });
  });
});

describe('request builders', () => {
  it('build plain values without touching the network', async () => {
    const p = await resolveConfigured('amazon-ads');
    const request = buildCodeExchangeRequest(p, { code: 'c0de', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43), region: 'fe' });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://api.amazon.co.jp/auth/o2/token');
    expect(request.body?.get('code')).toBe('c0de');
    expect(await requests()).toHaveLength(0);
  });
});
