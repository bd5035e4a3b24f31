import 'server-only';
import type { ClaimedConnection, LeaseGuard } from './refresh';
import type { Sql } from './types';

/**
 * What keeps a grant alive when the refresher itself fails: leases re-checked and extended, the
 * leases of dead processes released, tokens no key can read parked until the keys change, and new
 * tokens that could not be written kept until the next refresher applies them.
 */

/**
 * Re-checks and extends a lease in one compare-and-set on owner and token version, right before
 * a provider call and as its heartbeat. Undefined when the lease is no longer ours; otherwise
 * whether a pending result waits for this connection.
 */
export async function extendLease(sql: Sql, guard: LeaseGuard, leaseSec: number): Promise<{ pendingResult: boolean } | undefined> {
  const [row] = await sql.query<{ pending_result: boolean }>(
    `update connections set lease_until = now() + make_interval(secs => $4)
      where id = $1 and lease_owner = $2 and token_version = $3
      returning exists (select 1 from refresh_pending_results p where p.connection_id = connections.id) as pending_result`,
    [guard.id, guard.owner, guard.tokenVersion, leaseSec],
  );
  return row ? { pendingResult: row.pending_result } : undefined;
}

/** Every current lease owner (few: one per sweep or token-API refresh in flight). */
export async function listLeaseOwners(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ lease_owner: string }>(
    `select distinct lease_owner from connections where lease_owner is not null and lease_until > now()`,
  );
  return rows.map((r) => r.lease_owner);
}

export async function releaseLeasesOf(sql: Sql, owners: string[]): Promise<number> {
  if (owners.length === 0) return 0;
  const rows = await sql.query(`update connections set lease_owner = null, lease_until = null where lease_owner = any($1::text[]) returning 1`, [
    owners,
  ]);
  return rows.length;
}

/** Tokens no configured key decrypts: `error` until the keys change, lease released. */
export async function markKeyUnavailable(sql: Sql, guard: LeaseGuard, params: { keyset: string; message: string }): Promise<boolean> {
  const rows = await sql.query(
    `update connections set status = 'error', last_error_code = 'key_unavailable', last_error_message = $5,
        next_attempt_at = null, unreadable_keyset = $4, lease_owner = null, lease_until = null, updated_at = now()
      where id = $1 and lease_owner = $2 and token_version = $3
      returning 1`,
    [guard.id, guard.owner, guard.tokenVersion, params.keyset, params.message],
  );
  return rows.length === 1;
}

/** Connections parked under a different key set get another try now. */
export async function rearmKeyUnavailable(sql: Sql, params: { keyset: string }): Promise<number> {
  const rows = await sql.query(
    `update connections set status = 'active', next_attempt_at = now(), unreadable_keyset = null, updated_at = now()
      where status = 'error' and last_error_code = 'key_unavailable' and unreadable_keyset is distinct from $1
      returning 1`,
    [params.keyset],
  );
  return rows.length;
}

export async function savePendingResult(sql: Sql, params: { connectionId: string; tokenVersion: number; resultEnc: string }): Promise<void> {
  await sql.query(
    `insert into refresh_pending_results (connection_id, token_version, result_enc) values ($1, $2, $3)
     on conflict (connection_id) do update set token_version = excluded.token_version, result_enc = excluded.result_enc, created_at = now()`,
    [params.connectionId, params.tokenVersion, params.resultEnc],
  );
}

/** Removes and returns the connection's pending result; inside the transaction that applies it. */
export async function takePendingResult(sql: Sql, connectionId: string): Promise<{ token_version: number; result_enc: string } | undefined> {
  const [row] = await sql.query<{ token_version: number; result_enc: string }>(
    `delete from refresh_pending_results where connection_id = $1 returning token_version, result_enc`,
    [connectionId],
  );
  return row;
}

/**
 * Claims a connection to apply a result kept in a spill file: only at the token version the result
 * was obtained for, and only when no live refresher holds it (or the one that wrote the file does).
 * A dead grant (needs_reauth after someone spent the old refresh token) is claimed too: the kept
 * result is what revives it.
 */
export async function claimForPendingResult(
  sql: Sql,
  params: { id: string; tokenVersion: number; owner: string; formerOwner: string; leaseSec: number },
): Promise<ClaimedConnection | 'stale' | 'leased'> {
  const [row] = await sql.query<ClaimedConnection>(
    `update connections set lease_owner = $3, lease_until = now() + make_interval(secs => $5)
      where id = $1 and token_version = $2 and status <> 'revoked'
        and (lease_until is null or lease_until < now() or lease_owner = $4)
      returning id, user_id, provider, status, display_name, access_token_enc, refresh_token_enc, expires_at,
                refresh_token_expires_at, metadata, token_version, consecutive_failures, expiry_warning_for`,
    [params.id, params.tokenVersion, params.owner, params.formerOwner, params.leaseSec],
  );
  if (row) return row;
  const [current] = await sql.query<{ token_version: number; status: string }>(`select token_version, status from connections where id = $1`, [
    params.id,
  ]);
  return current && current.token_version === params.tokenVersion && current.status !== 'revoked' ? 'leased' : 'stale';
}
