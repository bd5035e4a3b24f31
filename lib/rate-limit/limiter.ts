import 'server-only';
import crypto from 'node:crypto';
import type { Sql } from '../db';
import { hitRateLimit } from '../db/rate-limits';
import { recordRateLimited } from '../metrics/record';
import type { RateLimitName, RateLimitPolicy, RateLimitSettings } from './policies';

export interface RateLimitDecision {
  policy: RateLimitPolicy;
  allowed: boolean;
  /** Quota left in this window after this hit. */
  remaining: number;
  /** Whole seconds until the window ends (≥ 1): the Retry-After of a refusal. */
  resetSec: number;
}

/**
 * Counts one hit of `subject` (a client IP, user id or API key id) against a policy and decides.
 * Returns null when limits are off. The subject is hashed into the key, so the table holds no
 * addresses or ids, and a hostile header value cannot make a long key.
 */
export async function checkRateLimit(
  sql: Sql,
  settings: RateLimitSettings,
  name: RateLimitName,
  subject: string,
): Promise<RateLimitDecision | null> {
  if (!settings.enabled) return null;
  const policy = settings.policies[name];
  const key = `${name}:${crypto.createHash('sha256').update(subject).digest('base64url').slice(0, 32)}`;
  const hit = await hitRateLimit(sql, { key, limit: policy.limit, windowSec: policy.windowSec });
  const allowed = hit.hits <= policy.limit;
  if (!allowed) recordRateLimited(name);
  return {
    policy,
    allowed,
    remaining: Math.max(0, policy.limit - hit.hits),
    resetSec: Math.min(policy.windowSec, Math.max(1, Math.ceil(hit.reset_sec))),
  };
}

/** The refusal in words, for JSON errors and dashboard toasts. */
export function rateLimitMessage(decision: RateLimitDecision): string {
  const { limit, windowSec } = decision.policy;
  return `Too many requests: at most ${limit} per ${describeWindow(windowSec)}. Try again in ${decision.resetSec} s.`;
}

function describeWindow(sec: number): string {
  if (sec % 3600 === 0) return sec === 3600 ? 'hour' : `${sec / 3600} hours`;
  if (sec % 60 === 0) return sec === 60 ? 'minute' : `${sec / 60} minutes`;
  return sec === 1 ? 'second' : `${sec} seconds`;
}
