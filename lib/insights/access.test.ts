import { describe, expect, it } from 'vitest';
import { ProviderError } from '@/lib/providers/types';
import { isPermanentReportingError, isUnauthorized, rateLimitDeferSec } from './access';

const err = (init: Partial<ConstructorParameters<typeof ProviderError>[0]>) => new ProviderError({ code: 'http_400', kind: 'transient', ...init });

describe('classifying reporting failures', () => {
  it('a 401, and Meta’s 190 sent as 400, force a token refresh [M4]', () => {
    expect(isUnauthorized(err({ status: 401, code: 'http_401' }))).toBe(true);
    expect(isUnauthorized(err({ status: 400, code: 'OAuthException/190' }))).toBe(true);
    expect(isUnauthorized(err({ status: 400, code: 'OAuthException/100' }))).toBe(false);
  });

  it('rate limits defer: Retry-After first, Meta throttle codes, LinkedIn until midnight UTC', () => {
    const now = new Date('2026-12-02T22:00:00Z');
    expect(rateLimitDeferSec(err({ status: 429, retryAfterSec: 42 }), 'x', now)).toBe(42);
    expect(rateLimitDeferSec(err({ status: 429 }), 'linkedin', now)).toBe(7200);
    expect(rateLimitDeferSec(err({ status: 429 }), 'amazon-ads', now)).toBe(900);
    for (const code of [4, 17, 32, 613, 80000, 80004, 80014]) {
      expect(rateLimitDeferSec(err({ status: 400, code: `OAuthException/${code}` }), 'meta', now)).toBeDefined();
    }
    expect(rateLimitDeferSec(err({ status: 400, code: 'OAuthException/80015' }), 'meta', now)).toBeUndefined();
    expect(rateLimitDeferSec(err({ status: 500, code: 'http_500' }), 'meta', now)).toBeUndefined();
  });

  it('client errors fail the run at once; "later" statuses, Meta codes 1/2, 5xx and network errors are retried', () => {
    expect(isPermanentReportingError(err({ status: 403, code: 'http_403' }))).toBe(true);
    expect(isPermanentReportingError(err({ status: 400, code: 'OAuthException/100' }))).toBe(true);
    expect(isPermanentReportingError(err({ kind: 'permanent', code: 'report_failed' }))).toBe(true);
    for (const status of [401, 408, 409, 425, 429, 500, 503]) expect(isPermanentReportingError(err({ status, code: `http_${status}` }))).toBe(false);
    expect(isPermanentReportingError(err({ status: 400, code: 'OAuthException/2' }))).toBe(false);
    expect(isPermanentReportingError(err({ code: 'network' }))).toBe(false);
    expect(isPermanentReportingError(new Error('bug'))).toBe(false);
  });
});
