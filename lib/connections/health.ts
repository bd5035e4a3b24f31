import type { ConnectionSummary } from '../db/connections';

/** What a person needs to know about a connection, derived from its row. */
export type ConnectionHealth = 'active' | 'expiring_soon' | 'refreshing' | 'needs_reauth' | 'error' | 'revoked';

/** Access tokens closer than this to expiry, with no way to refresh them, want attention. */
const SOON_MS = 24 * 60 * 60 * 1000;

export function describeHealth(c: ConnectionSummary, now = new Date()): ConnectionHealth {
  if (c.status !== 'active') return c.status;
  if (c.leased) return 'refreshing';
  const left = c.expires_at.getTime() - now.getTime();
  const refreshEnd = c.refresh_token_expires_at ? c.refresh_token_expires_at.getTime() - now.getTime() : Infinity;
  // Without a refresh token (Meta, LinkedIn apps without programmatic refresh) expiry is the end of the grant.
  if ((!c.has_refresh_token && left < 7 * SOON_MS) || refreshEnd < 14 * SOON_MS) return 'expiring_soon';
  if (left < 0) return 'expiring_soon';
  return 'active';
}
