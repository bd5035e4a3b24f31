import 'server-only';
import { asUser, type Database } from '../db';
import { listConnections, type ConnectionSummary } from '../db/connections';
import { describeHealth, type ConnectionHealth } from './health';

/** The status API's view of a connection: health and expiries, never a token. */
export interface ConnectionStatusView {
  id: string;
  provider: string;
  account: { id: string; name: string | null };
  scopes: string[];
  status: ConnectionSummary['status'];
  health: ConnectionHealth;
  expiresAt: string;
  refreshTokenExpiresAt: string | null;
  hasRefreshToken: boolean;
  lastRefreshedAt: string | null;
  nextAttemptAt: string | null;
  consecutiveFailures: number;
  lastError: { code: string; message: string | null } | null;
  metadata: Record<string, unknown>;
  /** When the user removed it from the dashboard's list (revoked only); null when listed. */
  hiddenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toStatusView(c: ConnectionSummary, now = new Date()): ConnectionStatusView {
  return {
    id: c.id,
    provider: c.provider,
    account: { id: c.external_account_id, name: c.display_name },
    scopes: c.scopes,
    status: c.status,
    health: describeHealth(c, now),
    expiresAt: c.expires_at.toISOString(),
    refreshTokenExpiresAt: iso(c.refresh_token_expires_at),
    hasRefreshToken: c.has_refresh_token,
    lastRefreshedAt: iso(c.last_refreshed_at),
    nextAttemptAt: iso(c.next_attempt_at),
    consecutiveFailures: c.consecutive_failures,
    lastError: c.last_error_code ? { code: c.last_error_code, message: c.last_error_message } : null,
    metadata: c.metadata,
    hiddenAt: iso(c.hidden_at),
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export async function listConnectionStatus(db: Database, userId: string): Promise<ConnectionStatusView[]> {
  const rows = await asUser(db, userId, (tx) => listConnections(tx, { userId }));
  return rows.map((row) => toStatusView(row));
}
