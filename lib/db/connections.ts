import 'server-only';
import type { Sql } from './types';

export type ConnectionStatus = 'active' | 'needs_reauth' | 'error' | 'revoked';

/** A connection as the dashboard and the status API see it: no token columns. */
export interface ConnectionSummary {
  id: string;
  provider: string;
  external_account_id: string;
  display_name: string | null;
  scopes: string[];
  status: ConnectionStatus;
  expires_at: Date;
  refresh_token_expires_at: Date | null;
  data_access_expires_at: Date | null;
  metadata: Record<string, unknown>;
  has_refresh_token: boolean;
  last_refreshed_at: Date | null;
  next_attempt_at: Date | null;
  consecutive_failures: number;
  last_error_code: string | null;
  last_error_message: string | null;
  leased: boolean;
  token_version: number;
  /** When the user removed it from the list (revoked connections only); null when listed. */
  hidden_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const SUMMARY_COLUMNS = `id, provider, external_account_id, display_name, scopes, status, expires_at,
  refresh_token_expires_at, data_access_expires_at, metadata, refresh_token_enc is not null as has_refresh_token,
  last_refreshed_at, next_attempt_at, consecutive_failures, last_error_code, last_error_message,
  coalesce(lease_until > now(), false) as leased, token_version, hidden_at, created_at, updated_at`;

export async function listConnections(sql: Sql, params: { userId: string }): Promise<ConnectionSummary[]> {
  return sql.query<ConnectionSummary>(
    `select ${SUMMARY_COLUMNS} from connections where user_id = $1
      order by provider, (status = 'revoked'), display_name, created_at`,
    [params.userId],
  );
}

export async function getConnection(
  sql: Sql,
  params: { userId: string; id: string },
): Promise<ConnectionSummary | undefined> {
  const [row] = await sql.query<ConnectionSummary>(
    `select ${SUMMARY_COLUMNS} from connections where user_id = $1 and id = $2`,
    [params.userId, params.id],
  );
  return row;
}

export interface EncryptedTokens {
  provider: string;
  status: ConnectionStatus;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  metadata: Record<string, unknown>;
  token_version: number;
}

export async function getEncryptedTokens(
  sql: Sql,
  params: { userId: string; id: string },
): Promise<EncryptedTokens | undefined> {
  const [row] = await sql.query<EncryptedTokens>(
    `select provider, status, access_token_enc, refresh_token_enc, metadata, token_version
       from connections where user_id = $1 and id = $2`,
    [params.userId, params.id],
  );
  return row;
}

export interface ConnectionUpsert {
  userId: string;
  provider: string;
  externalAccountId: string;
  displayName: string;
  scopes: string[];
  accessTokenEnc: string;
  /** null: the provider issued none; the stored one (if any) is kept. */
  refreshTokenEnc: string | null;
  expiresInSec: number;
  refreshTokenExpiresInSec: number | null;
  metadata: Record<string, unknown>;
  /** When the sweep should first look at it (refresh lead, warning, or expiry). */
  nextCheckInSec: number;
}

/**
 * One row per (user, provider, external account): reconnecting updates tokens and metadata and
 * clears failure state, never duplicates. The token version moves on, so a refresh that was in
 * flight with the old tokens cannot write over the new ones.
 */
export async function upsertConnection(sql: Sql, c: ConnectionUpsert): Promise<{ id: string; inserted: boolean }> {
  const [row] = await sql.query<{ id: string; inserted: boolean }>(
    `insert into connections (user_id, provider, external_account_id, display_name, scopes, status,
        access_token_enc, refresh_token_enc, expires_at, refresh_token_expires_at, metadata, last_refreshed_at,
        next_attempt_at)
     values ($1, $2, $3, $4, $5::text[], 'active', $6, $7, now() + make_interval(secs => $8),
        case when $9::float8 is null then null else now() + make_interval(secs => $9::float8) end, $10::text::jsonb, now(),
        now() + make_interval(secs => $11))
     on conflict (user_id, provider, external_account_id) do update set
        display_name = excluded.display_name,
        scopes = excluded.scopes,
        status = 'active',
        access_token_enc = excluded.access_token_enc,
        refresh_token_enc = coalesce(excluded.refresh_token_enc, connections.refresh_token_enc),
        expires_at = excluded.expires_at,
        refresh_token_expires_at = coalesce(excluded.refresh_token_expires_at, connections.refresh_token_expires_at),
        metadata = excluded.metadata,
        last_refreshed_at = now(),
        next_attempt_at = excluded.next_attempt_at,
        consecutive_failures = 0,
        expiry_warning_for = null,
        lease_owner = null,
        lease_until = null,
        last_error_code = null,
        last_error_message = null,
        token_version = connections.token_version + 1,
        hidden_at = null,
        updated_at = now()
     returning id, (xmax = 0) as inserted`,
    [
      c.userId,
      c.provider,
      c.externalAccountId,
      c.displayName,
      c.scopes,
      c.accessTokenEnc,
      c.refreshTokenEnc,
      c.expiresInSec,
      c.refreshTokenExpiresInSec,
      JSON.stringify(c.metadata),
      c.nextCheckInSec,
    ],
  );
  if (!row) throw new Error('upsertConnection returned no row');
  return row;
}

/** Erases both tokens and marks the connection revoked. */
export async function markConnectionRevoked(sql: Sql, params: { userId: string; id: string }): Promise<boolean> {
  const rows = await sql.query(
    `update connections set status = 'revoked', access_token_enc = null, refresh_token_enc = null,
        lease_owner = null, lease_until = null, next_attempt_at = null,
        token_version = token_version + 1, updated_at = now()
      where user_id = $1 and id = $2 returning 1`,
    [params.userId, params.id],
  );
  return rows.length === 1;
}

/**
 * Removes a revoked connection from the dashboard's list. Only revoked rows: a live grant must be
 * disconnected first, so nothing still refreshing can disappear from view. The row and its audit
 * history stay. Returns false when there is no such revoked connection of this user.
 */
export async function hideRevokedConnection(sql: Sql, params: { userId: string; id: string }): Promise<boolean> {
  const rows = await sql.query(
    `update connections set hidden_at = coalesce(hidden_at, now())
      where user_id = $1 and id = $2 and status = 'revoked' returning 1`,
    [params.userId, params.id],
  );
  return rows.length === 1;
}

/** Shows a removed connection in the list again. */
export async function unhideConnection(sql: Sql, params: { userId: string; id: string }): Promise<boolean> {
  const rows = await sql.query(`update connections set hidden_at = null where user_id = $1 and id = $2 returning 1`, [
    params.userId,
    params.id,
  ]);
  return rows.length === 1;
}
