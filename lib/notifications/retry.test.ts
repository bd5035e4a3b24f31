import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, nextRetry, parseRetryAfter, RETRY_DELAYS_MS } from './retry';

describe('webhook retry schedule', () => {
  it('backs off 30 s, 2 min, 10 min, 1 h, 6 h with ±20 % jitter, then gives up after 6 attempts', () => {
    RETRY_DELAYS_MS.forEach((base, i) => {
      expect(nextRetry(i + 1, null, () => 0)).toEqual({ retry: true, delayMs: base * 0.8 });
      expect(nextRetry(i + 1, null, () => 0.5)).toEqual({ retry: true, delayMs: base });
      expect(nextRetry(i + 1, null, () => 0.999_999)).toMatchObject({ retry: true });
    });
    expect(nextRetry(1, null, () => 0)).toEqual({ retry: true, delayMs: 24_000 });
    expect(MAX_ATTEMPTS).toBe(6);
    expect(nextRetry(6, null)).toEqual({ retry: false });
    expect(nextRetry(6, 5_000)).toEqual({ retry: false });
  });

  it('uses Retry-After instead of the backoff, within bounds', () => {
    expect(nextRetry(1, 120_000)).toEqual({ retry: true, delayMs: 120_000 });
    expect(nextRetry(1, 0)).toEqual({ retry: true, delayMs: 1_000 });
    expect(nextRetry(1, 10 * 86_400_000)).toEqual({ retry: true, delayMs: 86_400_000 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
