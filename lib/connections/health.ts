import type { ConnectionSummary } from '../db/connections';

/** What a person needs to know about a connection, derived from its row. */
export type ConnectionHealth = 'active' | 'expiring_soon' | 'refreshing' | 'needs_reauth' | 'error' | 'revoked';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Without a refresh token the access token's expiry ends the grant: say so a week ahead. */
const GRANT_END_SOON_MS = 7 * DAY_MS;
/** A refresh token with a hard end (LinkedIn, 365 days) wants a reconnect two weeks ahead. */
const REFRESH_END_SOON_MS = 14 * DAY_MS;

export function describeHealth(c: ConnectionSummary, now = new Date()): ConnectionHealth {
  if (c.status !== 'active') return c.status;
  if (c.leased) return 'refreshing';
  const left = c.expires_at.getTime() - now.getTime();
  const refreshLeft = c.refresh_token_expires_at ? c.refresh_token_expires_at.getTime() - now.getTime() : Infinity;
  const grantEndsSoon = !c.has_refresh_token && left < GRANT_END_SOON_MS;
  // An already expired access token is also shown as expiring until the sweep replaces it.
  return left < 0 || grantEndsSoon || refreshLeft < REFRESH_END_SOON_MS ? 'expiring_soon' : 'active';
}
