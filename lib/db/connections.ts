import 'server-only';
import { sanitizeDetail, type AuditOutcome } from './audit';
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

/** The columns of a ConnectionSummary, shared with the paged reads (connection-pages.ts). */
export const SUMMARY_COLUMNS = `id, provider, external_account_id, display_name, scopes, status, expires_at,
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

/** The consent regions a row's metadata records; rows from before `consentRegions` have only `region`. */
const consentRegions = (metadata: string) => `(case when jsonb_typeof(${metadata}->'consentRegions') = 'array' then ${metadata}->'consentRegions'
  when jsonb_typeof(${metadata}->'region') = 'string' then jsonb_build_array(${metadata}->'region') else '[]'::jsonb end)`;

/**
 * The audit row of the upsert, written by the same statement (one round trip fewer on the
 * callback, issue 12): its connection is the upserted row, its action depends on whether that
 * row was inserted or updated. The detail is sanitized as recordAuditEvent does.
 */
export interface UpsertAudit {
  actor: string;
  insertedAction: string;
  updatedAction: string;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
  requestId?: string | null;
}

export interface UpsertedConnection {
  id: string;
  inserted: boolean;
  /** The row as it was before this reconnect (null when inserted). */
  previous: { status: ConnectionStatus; hadTokens: boolean; consentRegions: string[] } | null;
}

/**
 * One row per (user, provider, external account): reconnecting updates tokens and metadata and
 * clears failure state, never duplicates. The token version moves on, so a refresh that was in
 * flight with the old tokens cannot write over the new ones.
 *
 * Metadata is replaced (with `connectedAt`, the moment of this connect), except two keys that describe one account across Amazon's regions:
 * `profiles` (per region) keeps the regions the new answer lacks, and `consentRegions` (the
 * consent hosts the account was connected through) accumulates.
 */
export async function upsertConnection(sql: Sql, c: ConnectionUpsert, audit: UpsertAudit): Promise<UpsertedConnection> {
  const [row] = await sql.query<{
    id: string;
    inserted: boolean;
    previous_status: ConnectionStatus | null;
    previous_had_tokens: boolean | null;
    previous_regions: string[] | null;
  }>(
    `with previous as (
       select status, access_token_enc is not null as had_tokens, ${consentRegions('metadata')} as regions
         from connections where user_id = $1 and provider = $2 and external_account_id = $3
     ), upserted as (
     insert into connections (user_id, provider, external_account_id, display_name, scopes, status,
        access_token_enc, refresh_token_enc, expires_at, refresh_token_expires_at, metadata, last_refreshed_at,
        next_attempt_at)
     values ($1, $2, $3, $4, $5::text[], 'active', $6, $7, now() + make_interval(secs => $8),
        case when $9::float8 is null then null else now() + make_interval(secs => $9::float8) end,
        -- connectedAt equals last_refreshed_at until a refresh: "Connected 4 seconds ago", not "Last refresh".
        $10::text::jsonb || jsonb_build_object('connectedAt', now()), now(),
        now() + make_interval(secs => $11))
     on conflict (user_id, provider, external_account_id) do update set
        display_name = excluded.display_name,
        scopes = excluded.scopes,
        status = 'active',
        access_token_enc = excluded.access_token_enc,
        refresh_token_enc = coalesce(excluded.refresh_token_enc, connections.refresh_token_enc),
        expires_at = excluded.expires_at,
        refresh_token_expires_at = coalesce(excluded.refresh_token_expires_at, connections.refresh_token_expires_at),
        metadata = excluded.metadata
          || case when jsonb_typeof(connections.metadata->'profiles') = 'object' and jsonb_typeof(excluded.metadata->'profiles') = 'object'
               then jsonb_build_object('profiles', (connections.metadata->'profiles') || (excluded.metadata->'profiles')) else '{}'::jsonb end
          || case when jsonb_typeof(excluded.metadata->'consentRegions') = 'array'
               then jsonb_build_object('consentRegions', (select jsonb_agg(distinct r order by r) from jsonb_array_elements_text(
                 ${consentRegions('connections.metadata')} || (excluded.metadata->'consentRegions')) as r))
               when jsonb_typeof(connections.metadata->'consentRegions') = 'array'
               then jsonb_build_object('consentRegions', connections.metadata->'consentRegions') else '{}'::jsonb end,
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
     returning id, (xmax = 0) as inserted, (select status from previous) as previous_status,
       (select had_tokens from previous) as previous_had_tokens,
       (select array(select jsonb_array_elements_text(regions)) from previous) as previous_regions
     ), audited as (
     insert into audit_events (user_id, connection_id, actor, action, outcome, detail, request_id)
     select $1, id, $12::text, case when inserted then $13::text else $14::text end, $15::text, $16::text::jsonb, $17::text from upserted
     )
     select * from upserted`,
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
      audit.actor,
      audit.insertedAction,
      audit.updatedAction,
      audit.outcome,
      // ::text first, as in recordAuditEvent: postgres.js would JSON-encode a string bound to jsonb again.
      JSON.stringify(sanitizeDetail(audit.detail)),
      audit.requestId ?? null,
    ],
  );
  if (!row) throw new Error('upsertConnection returned no row');
  return {
    id: row.id,
    inserted: row.inserted,
    previous:
      row.inserted || row.previous_status === null
        ? null
        : { status: row.previous_status, hadTokens: row.previous_had_tokens === true, consentRegions: row.previous_regions ?? [] },
  };
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
