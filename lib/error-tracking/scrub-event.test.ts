import { describe, expect, it } from 'vitest';
import { REDACTED, scrubEvent } from './scrub-event';

/** Issue 11 §4: what reaches Sentry carries no token, code, secret, key or Authorization. */
const SECRETS = [
  'AT-SECRET-1',
  'RT-SECRET-2',
  'CODE-SECRET-3',
  'CLIENTSECRET-4',
  'gk_abcd1234_SECRETKEYVALUE',
  'BEARER-SECRET-5',
  'PW-SECRET-6',
  'gAAAAABpZ2l2ZW5fYV9mZXJuZXRfdG9rZW5fdGhhdF9pc19sb25n',
  'COOKIE-SECRET-7',
  'METRICS-TOKEN-SECRET-8',
];

describe('scrubEvent', () => {
  it('removes secrets by key anywhere and by shape in every string, and keeps the request id', () => {
    const event = {
      message: 'refresh failed for https://user:PW-SECRET-6@db.example.com/x with Bearer BEARER-SECRET-5',
      exception: {
        values: [
          {
            type: 'Error',
            value: 'callback /api/v1/oauth/x/callback?code=CODE-SECRET-3&state=s1 failed; key gk_abcd1234_SECRETKEYVALUE',
            stacktrace: { frames: [{ function: 'exchange', vars: { refreshToken: 'RT-SECRET-2', n: 1 } }] },
          },
        ],
      },
      tags: { request_id: 'req-12345678', path: '/api/v1/connections/1/access-token' },
      extra: {
        response: { access_token: 'AT-SECRET-1', nested: { client_secret: 'CLIENTSECRET-4' } },
        stored: 'gAAAAABpZ2l2ZW5fYV9mZXJuZXRfdG9rZW5fdGhhdF9pc19sb25n',
        metricsToken: 'METRICS-TOKEN-SECRET-8',
      },
      request: {
        url: 'http://localhost/api/v1/oauth/x/callback?code=CODE-SECRET-3',
        headers: { Authorization: 'Bearer BEARER-SECRET-5', cookie: 'session=COOKIE-SECRET-7' },
        cookies: { session: 'COOKIE-SECRET-7' },
      },
      breadcrumbs: [{ message: 'GET /x?access_token=AT-SECRET-1', data: { Authorization: 'Bearer BEARER-SECRET-5' } }],
    };
    const scrubbed = scrubEvent(event);
    const text = JSON.stringify(scrubbed);
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    expect(scrubbed.tags.request_id).toBe('req-12345678');
    expect(scrubbed.extra.response.access_token).toBe(REDACTED);
    expect(scrubbed.exception.values[0]!.value).toContain('code=[redacted]');
    expect(scrubbed.request).not.toHaveProperty('headers');
    expect(scrubbed.request).not.toHaveProperty('cookies');
    expect(scrubbed.exception.values[0]!.stacktrace.frames[0]!.vars.n).toBe(1);
    // The original is left alone (Sentry may still hold it).
    expect(event.extra.response.access_token).toBe('AT-SECRET-1');
  });
});

describe('scrubEvent paths', () => {
  it('drops secret-shaped segments from the path tag, request.url, breadcrumb urls and the transaction', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const opaque = 'bWRWa3gzdnk3WFRKSF9ZSE1nOE9ma3RkUHhBbVh0aE9QVGo3cWVaRjF0cXRsOjE2MjIxNDc3NDM5MTQ6MToxOmF0OjE';
    const scrubbed = scrubEvent({
      tags: { path: `/api/v1/connections/${opaque}/access-token` },
      transaction: `GET /api/v1/connections/${jwt}`,
      request: { url: `http://localhost/api/v1/tokens/${opaque}` },
      breadcrumbs: [{ data: { url: `/connections/${jwt}` } }],
    });
    const text = JSON.stringify(scrubbed);
    expect(text).not.toContain(opaque);
    expect(text).not.toContain(jwt);
    expect(scrubbed.tags.path).toBe('/api/v1/connections/[redacted]/access-token');
    expect(scrubbed.request.url).toBe('http://localhost/api/v1/tokens/[redacted]');
  });
});
