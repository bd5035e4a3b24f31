import type { NextResponse } from 'next/server';
import { errorResponse } from '../http/errors';
import { rateLimitMessage, type RateLimitDecision } from './limiter';

/**
 * The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers (structured
 * fields: a quoted policy name, q = quota, w = window in seconds, r = remaining, t = seconds until
 * the quota resets), e.g. `RateLimit-Policy: "token_api";q=600;w=60` and
 * `RateLimit: "token_api";r=0;t=37`.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const { name, limit, windowSec } = decision.policy;
  return {
    'ratelimit-policy': `"${name}";q=${limit};w=${windowSec}`,
    ratelimit: `"${name}";r=${decision.remaining};t=${decision.resetSec}`,
  };
}

/** Adds the fields to a response. Routes need not: handleRoute adds them to every answer after a hit (request-quota.ts). */
export function withRateLimitHeaders<T extends NextResponse>(res: T, decision: RateLimitDecision | null): T {
  if (decision) for (const [k, v] of Object.entries(rateLimitHeaders(decision))) res.headers.set(k, v);
  return res;
}

/** 429 with the usual JSON error, Retry-After and the RateLimit fields. */
export function rateLimitedResponse(decision: RateLimitDecision, requestId?: string | null): NextResponse {
  const res = errorResponse('rate_limited', rateLimitMessage(decision), requestId);
  res.headers.set('retry-after', String(decision.resetSec));
  return withRateLimitHeaders(res, decision);
}
