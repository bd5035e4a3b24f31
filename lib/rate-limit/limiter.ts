import 'server-only';
import crypto from 'node:crypto';
import type { Sql } from '../db';
import { hitRateLimit } from '../db/rate-limits';
import { recordRateLimited } from '../metrics/record';
import { RateLimitBlocks } from './blocks';
import { noteRateLimit } from './request-quota';
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
 * The policies whose hits are reserved in blocks (lib/rate-limit/blocks.ts): the token API, which a
 * busy job calls hundreds of times a second. The others are counted one hit at a time.
 */
const BLOCK_POLICIES: ReadonlySet<RateLimitName> = new Set(['token_api']);
const blocks = new RateLimitBlocks();

/** Forgets the reserved blocks (tests that reset the counters under them). */
export function clearRateLimitBlocks(): void {
  blocks.clear();
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
  const hit = BLOCK_POLICIES.has(name)
    ? await blocks.hit(sql, key, policy.limit, policy.windowSec)
    : await hitRateLimit(sql, { key, limit: policy.limit, windowSec: policy.windowSec }).then((h) => ({ allowed: h.hits <= policy.limit, used: h.hits, resetSec: h.reset_sec }));
  if (!hit.allowed) recordRateLimited(name);
  const decision: RateLimitDecision = {
    policy,
    allowed: hit.allowed,
    remaining: Math.max(0, policy.limit - hit.used),
    resetSec: Math.min(policy.windowSec, Math.max(1, Math.ceil(hit.resetSec))),
  };
  // Whatever the route answers next carries the RateLimit fields of this quota (request-quota.ts).
  noteRateLimit(decision);
  return decision;
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
