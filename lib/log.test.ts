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
