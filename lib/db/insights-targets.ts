import 'server-only';
import type { Sql } from './types';

/** Sync targets: the ad accounts of each connection that are synced (lib/insights/targets.ts). */

export interface TargetSourceConnection {
  id: string;
  user_id: string;
  provider: string;
  external_account_id: string;
  display_name: string | null;
  metadata: Record<string, unknown>;
  /** When targets were last derived; null for a connection never derived (its metadata is fresh from connect). */
  insight_targets_at?: Date | null;
}

/**
 * Active platform connections whose target list is missing or a day old. Not locked: the refresh
 * sweep claims connections with SKIP LOCKED and must not skip one because targets are being
 * derived; two derivers write the same idempotent upsert.
 */
export async function listConnectionsNeedingTargets(sql: Sql, params: { limit: number }): Promise<TargetSourceConnection[]> {
  return sql.query<TargetSourceConnection>(
    `select id, user_id, provider, external_account_id, display_name, metadata, insight_targets_at from connections
      where status = 'active' and provider in ('amazon-ads', 'linkedin', 'meta', 'x')
        and (insight_targets_at is null or insight_targets_at < now() - interval '1 day')
      order by insight_targets_at nulls first
      limit $1`,
    [params.limit],
  );
}

export interface TargetInput {
  accountId: string;
  accountName: string | null;
  region: string | null;
  currency: string | null;
  timeZone: string;
  /** Set when the account is listed but not synced (e.g. Amazon agency profiles). */
  skipReason: string | null;
}

/** Upserts a connection's targets, disables the ones no longer listed, and stamps the connection. */
export async function saveTargets(sql: Sql, connection: Pick<TargetSourceConnection, 'id' | 'user_id' | 'provider'>, targets: TargetInput[]): Promise<void> {
  await sql.query(
    `with input as (
       select * from jsonb_to_recordset($4::text::jsonb)
         as t("accountId" text, "accountName" text, region text, currency text, "timeZone" text, "skipReason" text)
     ), upserted as (
       insert into insight_sync_targets (user_id, connection_id, provider, account_id, account_name, region, currency, time_zone, enabled, skip_reason)
       select $2, $1, $3, "accountId", "accountName", region, currency, "timeZone", "skipReason" is null, "skipReason" from input
       on conflict (connection_id, account_id) do update set
         account_name = excluded.account_name, region = excluded.region, currency = excluded.currency,
         time_zone = excluded.time_zone, enabled = excluded.enabled, skip_reason = excluded.skip_reason, updated_at = now()
       returning 1
     ), gone as (
       update insight_sync_targets set enabled = false, skip_reason = 'no longer listed by the provider', updated_at = now()
        where connection_id = $1 and enabled and account_id not in (select "accountId" from input)
       returning 1
     )
     update connections set insight_targets_at = now() where id = $1`,
    [connection.id, connection.user_id, connection.provider, JSON.stringify(targets)],
  );
}

/**
 * Merges what the provider lists now (its accounts fetcher's metadata) into the connection's
 * metadata, key by key, so keys only the connect flow writes (region, consentRegions) stay.
 */
export async function mergeConnectionMetadata(sql: Sql, params: { id: string; metadata: Record<string, unknown> }): Promise<void> {
  await sql.query(`update connections set metadata = coalesce(metadata, '{}'::jsonb) || $2::text::jsonb where id = $1`, [
    params.id,
    JSON.stringify(params.metadata),
  ]);
}

/** The provider could not be asked (token or provider trouble): targets stay, and it is asked again in about an hour. */
export async function postponeTargetRefresh(sql: Sql, params: { id: string }): Promise<void> {
  await sql.query(`update connections set insight_targets_at = now() - interval '23 hours' where id = $1`, [params.id]);
}

export interface DueTarget {
  id: string;
  user_id: string;
  connection_id: string;
  provider: string;
  account_id: string;
  time_zone: string;
  last_success_at: Date | null;
}

/**
 * Claims enabled targets whose next run is due, of live connections only (a dead grant stops
 * scheduling until it is reconnected), and without an unfinished run. Call inside a transaction
 * that queues their runs and moves next_run_at.
 */
export async function claimDueTargets(sql: Sql, params: { limit: number }): Promise<DueTarget[]> {
  return sql.query<DueTarget>(
    `select t.id, t.user_id, t.connection_id, t.provider, t.account_id, t.time_zone, t.last_success_at
       from insight_sync_targets t join connections c on c.id = t.connection_id
      where t.enabled and c.status = 'active' and t.next_run_at <= now()
        and not exists (select 1 from insight_sync_runs r where r.target_id = t.id and r.state not in ('succeeded', 'failed'))
      order by t.next_run_at
      limit $1
      for update of t skip locked`,
    [params.limit],
  );
}

export async function setTargetNextRun(sql: Sql, params: { id: string; at: Date }): Promise<void> {
  await sql.query(`update insight_sync_targets set next_run_at = $2 where id = $1`, [params.id, params.at]);
}

export interface TargetRow {
  id: string;
  user_id: string;
  connection_id: string;
  provider: string;
  account_id: string;
  account_name: string | null;
  region: string | null;
  currency: string | null;
  time_zone: string;
  enabled: boolean;
  skip_reason: string | null;
  next_run_at: Date;
  last_success_at: Date | null;
}

const TARGET_COLUMNS = `id, user_id, connection_id, provider, account_id, account_name, region, currency, time_zone, enabled,
  skip_reason, next_run_at, last_success_at`;

export async function getTarget(sql: Sql, params: { id: string }): Promise<TargetRow | undefined> {
  const [row] = await sql.query<TargetRow>(`select ${TARGET_COLUMNS} from insight_sync_targets where id = $1`, [params.id]);
  return row;
}

/** A user's targets, optionally of one connection. */
export async function listTargets(sql: Sql, params: { userId: string; connectionId?: string }): Promise<TargetRow[]> {
  return sql.query<TargetRow>(
    `select ${TARGET_COLUMNS} from insight_sync_targets
      where user_id = $1 and ($2::uuid is null or connection_id = $2)
      order by provider, account_name nulls last, account_id`,
    [params.userId, params.connectionId ?? null],
  );
}

/** One connection of the user, for deriving its targets on demand (Sync now before the sweep got to it). */
export async function getConnectionForTargets(sql: Sql, params: { userId: string; id: string }): Promise<TargetSourceConnection | undefined> {
  const [row] = await sql.query<TargetSourceConnection>(
    `select id, user_id, provider, external_account_id, display_name, metadata from connections
      where id = $1 and user_id = $2 and status = 'active' and provider in ('amazon-ads', 'linkedin', 'meta', 'x')`,
    [params.id, params.userId],
  );
  return row;
}
