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
  it('removes API keys and Fernet tokens from free text', () => {
    const fernet = 'gAAAAABpZ3J' + 'a'.repeat(60);
    expect(scrubSecrets(`key gk_live_abcDEF123 and ${fernet}`)).toBe('key gk_[redacted] and [redacted-fernet]');
  });
});
