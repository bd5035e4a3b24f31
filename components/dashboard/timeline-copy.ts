import type { ConnectionStatusView } from '@/lib/connections/status';
import { distanceWords, formatDay, relativeWords } from './time-format';

/** The token timeline's words (token-timeline.tsx). Pure: callers pass `now` and the time zone. */

type Timeline = Pick<
  ConnectionStatusView,
  'provider' | 'status' | 'metadata' | 'lastRefreshedAt' | 'nextAttemptAt' | 'expiresAt' | 'hasRefreshToken' | 'refreshTokenExpiresAt'
>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * "Connected" until the first refresh, then "Last refresh": connecting stores tokens (and sets
 * last_refreshed_at) in the same statement that records `metadata.connectedAt`.
 */
export function lastRefreshTerm(c: Pick<Timeline, 'metadata' | 'lastRefreshedAt'>): 'Connected' | 'Last refresh' {
  const connectedAt = typeof c.metadata.connectedAt === 'string' ? Date.parse(c.metadata.connectedAt) : NaN;
  if (!c.lastRefreshedAt || Number.isNaN(connectedAt)) return 'Last refresh';
  return Date.parse(c.lastRefreshedAt) - connectedAt < 1000 ? 'Connected' : 'Last refresh';
}

/** Meta has no refresh token: Grantkeeper exchanges the long-lived token for a new one (lib/refresh). */
export function nextRefreshTerm(c: Pick<Timeline, 'provider' | 'hasRefreshToken'>): string {
  if (c.provider === 'meta') return 'Next re-exchange';
  return c.hasRefreshToken ? 'Next refresh' : 'Next check';
}

/** "in 52 days" rather than "in 2 months" for long horizons; "in 8 minutes", "3 hours ago" otherwise. */
export function relativeDays(target: string, now: number): string {
  const t = Date.parse(target);
  if (Math.abs(t - now) < 2 * DAY_MS) return relativeWords(t, now);
  return t > now ? `in ${distanceWords(target, now)}` : `${distanceWords(target, now)} ago`;
}

/** The deadline beyond the access token, in words; null when there is nothing to say. */
export function horizonText(c: Timeline, now: number, timeZone: string): string | null {
  if (c.status === 'needs_reauth' || c.status === 'revoked') return null;
  if (c.hasRefreshToken && c.refreshTokenExpiresAt) {
    const ended = Date.parse(c.refreshTokenExpiresAt) <= now;
    return ended
      ? `Refresh token ended on ${formatDay(c.refreshTokenExpiresAt, timeZone)} — reconnect to restore access.`
      : `Refresh token ends in ${distanceWords(c.refreshTokenExpiresAt, now)} (${formatDay(c.refreshTokenExpiresAt, timeZone)}) — reconnect before then.`;
  }
  if (c.hasRefreshToken) return 'Refresh token has no fixed end: Grantkeeper refreshes the access token before it expires.';
  const ends = `${formatDay(c.expiresAt, timeZone)} (${distanceWords(c.expiresAt, now)})`;
  if (c.provider === 'meta') {
    // lib/refresh exchanges the token a week before it ends (fb_exchange_token); whether Meta
    // extends a long-lived token that way is unverified (providers.md §4), hence the "if".
    if (Date.parse(c.expiresAt) <= now) return `Meta long-lived token ended on ${formatDay(c.expiresAt, timeZone)} — reconnect to restore access.`;
    if (c.status === 'active' && c.nextAttemptAt) {
      const due = Date.parse(c.nextAttemptAt) <= now;
      return `${due ? 'Re-exchanged automatically now' : `Re-exchanged automatically ${relativeDays(c.nextAttemptAt, now)} (${formatDay(c.nextAttemptAt, timeZone)})`}; if Meta does not extend it, reconnect by ${ends}.`;
    }
    return `Meta long-lived token ends on ${ends} — reconnect before then.`;
  }
  return `Access token (no refresh token) ends on ${ends} — reconnect before then.`;
}
