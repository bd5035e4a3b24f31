import { describe, expect, it } from 'vitest';
import { isSafeText, safeText, searchParamsAreSafe } from './safe-text';

describe('safe text', () => {
  it('accepts ordinary text, accents, emoji, tabs and line breaks', () => {
    for (const s of ['nightly sync', 'Zoë’s key – prod', '🔑 keys', 'a\tb', 'line\nbreak\r\n', '', 'https://example.com/hook?x=1']) {
      expect(isSafeText(s), JSON.stringify(s)).toBe(true);
    }
  });

  it('refuses NUL, other control characters, DEL, C1 controls and lone surrogates', () => {
    for (const s of ['a\u0000b', '\u0000', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', 'c1\u0085', 'lone \ud800 high', 'lone \udc00 low', 'end\ud83d']) {
      expect(isSafeText(s), JSON.stringify(s)).toBe(false);
    }
  });

  it('works as a zod refinement that still chains bounds', () => {
    const name = safeText().trim().min(1).max(10);
    expect(name.safeParse(' ok ').data).toBe('ok');
    const refused = name.safeParse('a\u0000');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/not allowed/);
    expect(name.safeParse('x'.repeat(11)).success).toBe(false);
  });

  it('checks decoded query parameters, all of them or only the named ones', () => {
    const q = new URLSearchParams('state=abc&error=access%00denied&scope=a%20b');
    expect(searchParamsAreSafe(q)).toBe(false);
    expect(searchParamsAreSafe(q, ['state', 'code'])).toBe(true);
    expect(searchParamsAreSafe(q, ['error'])).toBe(false);
    expect(searchParamsAreSafe(new URLSearchParams('code=x%0Ay&state=s'))).toBe(true);
    expect(searchParamsAreSafe(new URLSearchParams('code=%01'))).toBe(false);
  });
});
