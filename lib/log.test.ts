import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './log';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger(stream, 'info'), text: () => lines.join('') };
}

describe('logger', () => {
  it('redacts credentials wherever they sit in a logged object', () => {
    const { log, text } = capture();
    log.child({ requestId: 'req-12345678' }).info(
      {
        access_token: 'AT-SECRET-1',
        response: { refresh_token: 'RT-SECRET-2', body: { client_secret: 'CS-SECRET-3' } },
        headers: { authorization: 'Bearer HDR-SECRET-4' },
        params: { code: 'CODE-SECRET-5', state: 'visible-state' },
      },
      'token exchanged',
    );
    const out = text();
    for (const secret of ['AT-SECRET-1', 'RT-SECRET-2', 'CS-SECRET-3', 'HDR-SECRET-4', 'CODE-SECRET-5']) {
      expect(out).not.toContain(secret);
    }
    const line = JSON.parse(out) as Record<string, unknown>;
    expect(line.requestId).toBe('req-12345678');
    expect(line.msg).toBe('token exchanged');
    expect(out).toContain('visible-state');
    expect(out).toContain('[redacted]');
  });

  it('scrubs secrets out of error messages', () => {
    const { log, text } = capture();
    log.error({ err: new Error('connect to postgres://admin:hunter2@db:5432/x failed; header Bearer abc.def.ghi') }, 'boom');
    const out = text();
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('abc.def.ghi');
    expect(out).toContain('postgres://admin:[redacted]@db');
  });
});

describe('scrubSecrets', () => {
  it('removes credential parameters from URLs (OAuth callbacks, Graph and token URLs)', () => {
    const text =
      'GET /api/v1/oauth/x/callback?state=ST-1&code=CODE-2 then ' +
      'https://graph.facebook.com/v25.0/oauth/access_token?client_id=1&client_secret=CS-3&fb_exchange_token=EAA-4&appsecret_proof=PR-5 and ' +
      '/me?fields=id&access_token=AT-6 /x?refresh_token=RT-7&token=T-8&code_verifier=V-9';
    const out = scrubSecrets(text);
    for (const secret of ['ST-1', 'CODE-2', 'CS-3', 'EAA-4', 'PR-5', 'AT-6', 'RT-7', 'T-8', 'V-9']) expect(out).not.toContain(secret);
    expect(out).toContain('client_id=1');
    expect(out).toContain('fields=id');
    expect(out).toContain('?state=[redacted]&code=[redacted]');
  });

  it('removes API keys and Fernet tokens from free text', () => {
    const fernet = 'gAAAAABpZ3J' + 'a'.repeat(60);
    expect(scrubSecrets(`key gk_live_abcDEF123 and ${fernet}`)).toBe('key gk_[redacted] and [redacted-fernet]');
  });
});

describe('paths in log lines', () => {
  const apiKey = `gk_abcdefgh_${'K'.repeat(20)}0123456789abcdefghijklm`;
  const fernet = `gAAAAABpZ3J${'a'.repeat(40)}0123456789`;
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const shapes: Record<string, string> = {
    'an API key': apiKey,
    'a Fernet token': fernet,
    'a JWT': jwt,
    'an Amazon access token (percent-encoded pipe)': 'Atza%7CIQEBLjAsAhRmHjNgHpi0U-Dme37rR6CuUpSR',
    'a Meta access token': 'EAAGm0PX4ZCpsBAKZAZBsZCZAZBxyz123456789',
    'a LinkedIn access token': `AQV${'x1Y2'.repeat(12)}`,
    'an opaque access token (X)': 'bWRWa3gzdnk3WFRKSF9ZSE1nOE9ma3RkUHhBbVh0aE9QVGo3cWVaRjF0cXRsOjE2MjIxNDc3NDM5MTQ6MToxOmF0OjE',
  };

  for (const [name, secret] of Object.entries(shapes)) {
    it(`replaces ${name} in a path segment, whichever path-like field carries it`, () => {
      const { log, text } = capture();
      log.info({ path: `/api/v1/connections/${secret}/access-token` }, 'api key refused');
      log.warn({ url: `https://grantkeeper.example/api/v1/tokens/${secret}?code=C-1`, referer: `/connections/${secret}` }, 'refused');
      log.child({ pathname: `/x/${secret}` }).info('bound');
      const out = text();
      expect(out).not.toContain(secret);
      expect(out).not.toContain(decodeURIComponent(secret));
      expect(out).not.toContain('C-1');
      const [first, second, third] = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
      expect(first!.path).toMatch(/^\/api\/v1\/connections\/[^/]*redacted[^/]*\/access-token$/);
      expect(second!.url).toMatch(/^https:\/\/grantkeeper\.example\/api\/v1\/tokens\/[^/]*redacted[^/]*\?code=\[redacted\]$/);
      expect(second!.referer).toMatch(/^\/connections\/[^/]*redacted/);
      expect(third!.pathname).toMatch(/^\/x\/[^/]*redacted/);
    });
  }

  it('keeps the ids, slugs and numbers a path is made of', () => {
    const { log, text } = capture();
    const path = '/api/v1/connections/0b6f2c1e-8a4d-4c3b-9f1e-2d7a5b9c0e11/access-token';
    log.info({ path, url: 'http://localhost:3000/api/v1/oauth/amazon-ads/callback', referer: '/audit?page=2' }, 'ok');
    const line = JSON.parse(text()) as Record<string, string>;
    expect(line.path).toBe(path);
    expect(line.url).toBe('http://localhost:3000/api/v1/oauth/amazon-ads/callback');
    expect(line.referer).toBe('/audit?page=2');
  });
});
