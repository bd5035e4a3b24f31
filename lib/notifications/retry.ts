import 'server-only';
/**
 * When a failed delivery is tried again. The schedule spreads six attempts over about seven hours,
 * long enough to ride out a receiver's deploy or outage, short enough that a dead endpoint is
 * reported as failed the same day. Jitter keeps a burst of events (one provider outage failing
 * many connections at once) from hitting the receiver in lockstep on every retry.
 */

export const MAX_ATTEMPTS = 6;

/** Delay after attempt n fails (n = 1..5); after attempt 6 the delivery is failed. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;

const JITTER = 0.2;
/** A Retry-After beyond this is treated as this: the schedule must still end in a final outcome. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * `attempts` counts attempts made so far, this one included. A server's Retry-After (429 or 503)
 * replaces the backoff: the server knows when it can take the request.
 */
export function nextRetry(attempts: number, retryAfterMs: number | null, random: () => number = Math.random): RetryDecision {
  if (attempts >= MAX_ATTEMPTS) return { retry: false };
  if (retryAfterMs !== null) return { retry: true, delayMs: Math.min(Math.max(retryAfterMs, 1_000), MAX_RETRY_AFTER_MS) };
  const base = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1] ?? RETRY_DELAYS_MS[0];
  return { retry: true, delayMs: Math.round(base * (1 - JITTER + 2 * JITTER * random())) };
}

/** Retry-After as delta seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(at - now.getTime(), 0);
}
