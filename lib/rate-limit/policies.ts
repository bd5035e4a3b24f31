/**
 * The rate limits and their defaults. Pure data and parsing (lib/env.ts validates the environment
 * with these), no database. A limit is "<count>/<window>", e.g. `600/60s`, `20/1h`.
 */

export const RATE_LIMIT_POLICIES = {
  /** Failed API-key authentications per client IP (only failures count). */
  auth_failures: { env: 'RATE_LIMIT_AUTH_FAILURES', limit: 30, windowSec: 60 },
  /** Token API calls per API key. */
  token_api: { env: 'RATE_LIMIT_TOKEN_API', limit: 600, windowSec: 60 },
  /** Connect/reconnect starts per user. */
  authorize: { env: 'RATE_LIMIT_AUTHORIZE', limit: 30, windowSec: 60 },
  /** OAuth callbacks per client IP (the callback is public). */
  callback: { env: 'RATE_LIMIT_CALLBACK', limit: 30, windowSec: 60 },
  /** Clerk webhook deliveries per client IP. */
  clerk_webhook: { env: 'RATE_LIMIT_CLERK_WEBHOOK', limit: 120, windowSec: 60 },
  /** "Send a test event" per user (each one is a request to the user's URL). */
  test_event: { env: 'RATE_LIMIT_TEST_EVENT', limit: 5, windowSec: 60 },
  /** API keys created per user. */
  api_key_create: { env: 'RATE_LIMIT_API_KEY_CREATE', limit: 20, windowSec: 3600 },
  /** Audit log CSV exports per user (each one reads up to 10 000 rows). */
  audit_export: { env: 'RATE_LIMIT_AUDIT_EXPORT', limit: 10, windowSec: 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_POLICIES;

export interface RateLimitPolicy {
  name: RateLimitName;
  limit: number;
  windowSec: number;
}

export interface RateLimitSettings {
  /** RATE_LIMITS=off turns every limit off. */
  enabled: boolean;
  /** TRUST_PROXY=on: the first X-Forwarded-For hop is the client (see client-ip.ts). */
  trustProxy: boolean;
  policies: Record<RateLimitName, RateLimitPolicy>;
}

const UNIT_SEC = { s: 1, m: 60, h: 3600 } as const;
export const RATE_SPEC = /^(\d{1,9})\/(\d{1,6})([smh])?$/;
export const RATE_SPEC_MESSAGE = 'a rate limit is <count>/<window>, e.g. 600/60s, 10/5m or 20/1h (count ≥ 1, window ≥ 1 s, ≤ 1 day)';

/** "600/60s" → 600 per 60 s; undefined for anything else (including a zero count or window). */
export function parseRateSpec(spec: string): { limit: number; windowSec: number } | undefined {
  const m = RATE_SPEC.exec(spec.trim());
  if (!m) return undefined;
  const limit = Number(m[1]);
  const windowSec = Number(m[2]) * UNIT_SEC[(m[3] ?? 's') as keyof typeof UNIT_SEC];
  if (limit < 1 || windowSec < 1 || windowSec > 86_400) return undefined;
  return { limit, windowSec };
}

/** Defaults, overridden per limit from the raw environment (already validated by lib/env.ts). */
export function resolveRateLimits(raw: Record<string, unknown>): RateLimitSettings {
  const policies = Object.fromEntries(
    Object.entries(RATE_LIMIT_POLICIES).map(([name, p]) => {
      const value = raw[p.env];
      const override = typeof value === 'string' ? parseRateSpec(value) : undefined;
      return [name, { name, limit: override?.limit ?? p.limit, windowSec: override?.windowSec ?? p.windowSec }];
    }),
  ) as Record<RateLimitName, RateLimitPolicy>;
  return { enabled: raw.RATE_LIMITS !== 'off', trustProxy: raw.TRUST_PROXY === 'on', policies };
}
