import { describe, expect, it } from 'vitest';
import { sanitizeDetail } from './audit';

describe('sanitizeDetail', () => {
  it('drops secret-named keys at any depth and keeps the rest', () => {
    const detail = sanitizeDetail({
      provider: 'x',
      access_token: 'a',
      nested: { refreshToken: 'b', client_secret: 'c', code: 'd', status: 400, codeVerifier: 'e' },
      list: [{ apiKey: 'f', name: 'ok' }],
      error: 'invalid_grant',
    });
    expect(detail).toEqual({ provider: 'x', nested: { status: 400 }, list: [{ name: 'ok' }], error: 'invalid_grant' });
  });

  it('keeps boolean facts under secret-sounding names (tokensErased) but never their string values', () => {
    const detail = sanitizeDetail({ tokensErased: true, refreshTokenRotated: false, accessToken: 'a', tokens: { erased: 'x' } });
    expect(detail).toEqual({ tokensErased: true, refreshTokenRotated: false });
  });

  it('scrubs secrets inside strings and bounds their length', () => {
    const detail = sanitizeDetail({ message: `failed with Bearer abc123 ${'z'.repeat(1000)}` }) as { message: string };
    expect(detail.message).not.toContain('abc123');
    expect(detail.message.length).toBe(500);
  });
});
