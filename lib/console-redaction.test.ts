import { describe, expect, it } from 'vitest';
import { redactConsole } from './console-redaction';

function fakeConsole() {
  const printed: unknown[][] = [];
  return { target: { error: (...a: unknown[]) => printed.push(a), warn: (...a: unknown[]) => printed.push(a) }, printed };
}

describe('redactConsole (what Next prints for an unhandled error)', () => {
  it('prints an error by name, scrubbed message, code, digest and frames — never its parameters', () => {
    const { target, printed } = fakeConsole();
    redactConsole(target);
    const err = Object.assign(new Error('insert failed for gk_ab12cd_s3cr3tkeymaterial'), {
      code: '22021',
      digest: '987',
      params: ['9f86d081-secret-hash'],
      cause: new Error('Bearer tok-SECRET rejected'),
    });
    target.error(' ⨯', err);
    const text = printed.map((args) => args.map(String).join(' ')).join('\n');
    expect(text).toContain('Error: insert failed for gk_[redacted]');
    expect(text).toContain('code 22021');
    expect(text).toContain('digest 987');
    expect(text).toMatch(/\n\s+at /);
    for (const secret of ['s3cr3tkeymaterial', '9f86d081-secret-hash', 'tok-SECRET']) expect(text).not.toContain(secret);
  });

  it('scrubs strings, leaves other values, and installs once', () => {
    const { target, printed } = fakeConsole();
    redactConsole(target);
    redactConsole(target);
    target.warn('Failed for postgres://app:pw-SECRET@db/x', 42);
    expect(printed).toEqual([['Failed for postgres://app:[redacted]@db/x', 42]]);
  });
});
