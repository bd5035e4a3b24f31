import 'server-only';
import type { Database, Sql } from './types';

/**
 * The lease protocol (design: "Keeping grants alive", invariants 1–3). A refresher claims rows in
 * one statement with FOR UPDATE SKIP LOCKED; only the lease owner, holding the token version it
 * claimed, may write the result; the write that stores new tokens also releases the lease.
 */

export interface ClaimedConnection {
  id: string;
  user_id: string;
  provider: string;
  status: 'active' | 'error';
  display_name: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  expires_at: Date;
  refresh_token_expires_at: Date | null;
  metadata: Record<string, unknown>;
  token_version: number;
  consecutive_failures: number;
  expiry_warning_for: Date | null;
}

const CLAIMED = `c.id, c.user_id, c.provider, c.status, c.display_name, c.access_token_enc, c.refresh_token_enc,
  c.expires_at, c.refresh_token_expires_at, c.metadata, c.token_version, c.consecutive_failures, c.expiry_warning_for`;

/** Claims up to `limit` active connections of one provider whose next check is due. */
export async function claimDueConnections(
  sql: Sql,
  params: { owner: string; provider: string; leaseSec: number; limit: number },
): Promise<ClaimedConnection[]> {
  return sql.query<ClaimedConnection>(
    `update connections c set lease_owner = $1, lease_until = now() + make_interval(secs => $2)
       from (select id from connections
              where status = 'active' and provider = $3 and next_attempt_at <= now()
                and (lease_until is null or lease_until < now())
              order by next_attempt_at
              limit $4
              for update skip locked) due
      where c.id = due.id
      returning ${CLAIMED}`,
    [params.owner, params.leaseSec, params.provider, params.limit],
  );
}

/** Claims one connection for a just-in-time or manual refresh; undefined if it is leased or not refreshable. */
export async function claimConnection(
  sql: Sql,
  params: { owner: string; userId: string; id: string; leaseSec: number },
): Promise<ClaimedConnection | undefined> {
  const [row] = await sql.query<ClaimedConnection>(
    `update connections c set lease_owner = $1, lease_until = now() + make_interval(secs => $2)
       from (select id from connections
              where id = $3 and user_id = $4 and status in ('active', 'error')
                and (lease_until is null or lease_until < now())
              for update skip locked) one
      where c.id = one.id
      returning ${CLAIMED}`,
    [params.owner, params.leaseSec, params.id, params.userId],
  );
  return row;
}

export interface LeaseGuard {
  id: string;
  owner: string;
  tokenVersion: number;
}

/**
 * Stores refreshed tokens and releases the lease in one statement. A response without a refresh
 * token keeps the stored one. Returns false when the lease or the token version is no longer ours
 * (e.g. the user reconnected meanwhile): the result is then discarded.
 */
export async function completeRefresh(
  sql: Sql,
  guard: LeaseGuard,
  result: {
    accessTokenEnc: string;
    refreshTokenEnc: string | null;
    expiresInSec: number;
    refreshTokenExpiresInSec: number | null;
    scopes: string[] | null;
    nextCheckInSec: number;
    expiryWarningFor?: Date | null;
  },
): Promise<boolean> {
  const rows = await sql.query(
    `update connections set
        access_token_enc = $4,
        refresh_token_enc = coalesce($5, refresh_token_enc),
        expires_at = now() + make_interval(secs => $6),
        refresh_token_expires_at = case when $7::float8 is null then refresh_token_expires_at
                                        else now() + make_interval(secs => $7::float8) end,
        scopes = coalesce($8::text[], scopes),
        status = 'active', consecutive_failures = 0, last_error_code = null, last_error_message = null,
        last_refreshed_at = now(), next_attempt_at = now() + make_interval(secs => $9),
        expiry_warning_for = coalesce($10, expiry_warning_for),
        lease_owner = null, lease_until = null, token_version = token_version + 1, updated_at = now()
      where id = $1 and lease_owner = $2 and token_version = $3
      returning 1`,
    [
      guard.id,
      guard.owner,
      guard.tokenVersion,
      result.accessTokenEnc,
      result.refreshTokenEnc,
      result.expiresInSec,
      result.refreshTokenExpiresInSec,
      result.scopes,
      result.nextCheckInSec,
      result.expiryWarningFor ?? null,
    ],
  );
  return rows.length === 1;
}

/**
 * Records a failed attempt and releases the lease. `status` is 'needs_reauth' for a dead grant,
 * 'error' after the last transient attempt, 'active' while retrying at `nextAttemptInSec`.
 */
export async function recordRefreshFailure(
  sql: Sql,
  guard: LeaseGuard,
  failure: {
    status: 'active' | 'error' | 'needs_reauth';
    errorCode: string;
    errorMessage: string;
    nextAttemptInSec: number | null;
  },
): Promise<boolean> {
  const rows = await sql.query(
    `update connections set
        status = $4, consecutive_failures = consecutive_failures + 1,
        last_error_code = $5, last_error_message = $6,
        next_attempt_at = case when $7::float8 is null then null else now() + make_interval(secs => $7::float8) end,
        lease_owner = null, lease_until = null, updated_at = now()
      where id = $1 and lease_owner = $2 and token_version = $3
      returning 1`,
    [guard.id, guard.owner, guard.tokenVersion, failure.status, failure.errorCode, failure.errorMessage, failure.nextAttemptInSec],
  );
  return rows.length === 1;
}

/** Nothing to refresh now (a warning, or waiting for expiry): schedule the next look and release. */
export async function rescheduleConnection(
  sql: Sql,
  guard: LeaseGuard,
  next: { atSec: number; expiryWarningFor?: Date | null },
): Promise<boolean> {
  const rows = await sql.query(
    `update connections set next_attempt_at = now() + make_interval(secs => $4),
        expiry_warning_for = coalesce($5, expiry_warning_for), lease_owner = null, lease_until = null
      where id = $1 and lease_owner = $2 and token_version = $3
      returning 1`,
    [guard.id, guard.owner, guard.tokenVersion, next.atSec, next.expiryWarningFor ?? null],
  );
  return rows.length === 1;
}

/** Gives back leases a sweep claimed but did not get to before its time budget ran out. */
export async function releaseLeases(sql: Sql, params: { owner: string; ids: string[] }): Promise<void> {
  if (params.ids.length === 0) return;
  await sql.query(`update connections set lease_owner = null, lease_until = null where lease_owner = $1 and id = any($2::uuid[])`, [
    params.owner,
    params.ids,
  ]);
}

export interface TokenRow {
  status: 'active' | 'needs_reauth' | 'error' | 'revoked';
  access_token_enc: string | null;
  expires_at: Date;
  next_attempt_at: Date | null;
  lease_until: Date | null;
  token_version: number;
  last_error_code: string | null;
}

/**
 * What the token API needs to decide (serve, refresh, or wait), read under RLS as the user in one
 * statement and one round trip (migration
 * 20261203000300): for the token API's hot path. Never inside a transaction (`db`, not a `tx`):
 * the role the function sets would last to the end of the caller's transaction.
 */
export async function readTokenRowAsUser(db: Database, params: { userId: string; id: string }): Promise<TokenRow | undefined> {
  const [row] = await db.query<TokenRow>(
    `select status, access_token_enc, expires_at, next_attempt_at, lease_until, token_version, last_error_code
       from read_token_row_as_user($1, $2)`,
    [params.userId, params.id],
  );
  return row;
}

