import 'server-only';
import type { NotificationType } from '../notifications/types';
import { sanitizeDetail } from './audit';
import type { Sql } from './types';

/** The user's one webhook endpoint. The secret arrives here already encrypted. */
export interface EndpointRow {
  url: string;
  secret_enc: string;
  created_at: Date;
  updated_at: Date;
}

export async function getNotificationEndpoint(sql: Sql, params: { userId: string }): Promise<EndpointRow | undefined> {
  const [row] = await sql.query<EndpointRow>(
    'select url, secret_enc, created_at, updated_at from notification_endpoints where user_id = $1',
    [params.userId],
  );
  return row;
}

/**
 * Creates or replaces the endpoint in one statement. The caller always passes a fresh encrypted
 * secret; it is stored on creation or when `rotateSecret`, and otherwise the old one stays, so
 * changing the URL does not break the receiver's verification. `inserted` says which happened.
 */
export async function upsertNotificationEndpoint(
  sql: Sql,
  params: { userId: string; url: string; secretEnc: string; rotateSecret: boolean },
): Promise<EndpointRow & { inserted: boolean }> {
  const [row] = await sql.query<EndpointRow & { inserted: boolean }>(
    `insert into notification_endpoints (user_id, url, secret_enc) values ($1, $2, $3)
     on conflict (user_id) do update set
        url = excluded.url,
        secret_enc = case when $4::boolean then excluded.secret_enc else notification_endpoints.secret_enc end,
        updated_at = now()
     returning url, secret_enc, created_at, updated_at, (xmax = 0) as inserted`,
    [params.userId, params.url, params.secretEnc, params.rotateSecret],
  );
  if (!row) throw new Error('upsertNotificationEndpoint returned no row');
  return row;
}

export async function deleteNotificationEndpoint(sql: Sql, params: { userId: string }): Promise<boolean> {
  const rows = await sql.query('delete from notification_endpoints where user_id = $1 returning 1', [params.userId]);
  return rows.length === 1;
}

export interface NotificationInput {
  userId: string;
  connectionId?: string | null;
  type: NotificationType;
  data: Record<string, unknown>;
}

/** The outbox insert; returns the delivery id, or undefined when the user has no endpoint. */
export async function insertNotification(sql: Sql, n: NotificationInput): Promise<string | undefined> {
  // Sanitized although callers never pass secrets: defense in depth for a body that leaves the system.
  const payload = { type: n.type, timestamp: new Date().toISOString(), data: sanitizeDetail(n.data) };
  const [row] = await sql.query<{ id: string }>(
    `insert into webhook_deliveries (user_id, connection_id, event_type, payload)
     select user_id, $2, $3, $4::text::jsonb from notification_endpoints where user_id = $1
     returning id`,
    [n.userId, n.connectionId ?? null, n.type, JSON.stringify(payload)],
  );
  return row?.id;
}

/**
 * Outbox pattern: call inside the transaction that changes the connection, so the event exists
 * if and only if the change committed. Enqueues only when the user has an endpoint.
 */
export async function enqueueNotification(sql: Sql, n: NotificationInput): Promise<boolean> {
  return (await insertNotification(sql, n)) !== undefined;
}

/** A claimed delivery with its endpoint as it is now (null when the user removed it meanwhile). */
export interface ClaimedDelivery {
  id: string;
  user_id: string;
  connection_id: string | null;
  event_type: string;
  payload: unknown;
  attempts: number;
  url: string | null;
  secret_enc: string | null;
}

/**
 * Leases up to `limit` due deliveries (or the named `ids`, due or not) to `owner`. At most `perUser` per user, so one user's backlog
 * (or slow endpoint) cannot take every slot of a run. The window function cannot sit in the locking
 * query, hence the two steps; the lock step re-checks status and lease, and SKIP LOCKED lets
 * concurrent deliverers take disjoint rows instead of waiting on each other.
 */
export async function claimDueDeliveries(
  sql: Sql,
  params: { owner: string; now: Date; limit: number; perUser: number; leaseSec: number; ids?: string[] },
): Promise<ClaimedDelivery[]> {
  return sql.query<ClaimedDelivery>(
    `with candidates as (
       select id, next_attempt_at,
              row_number() over (partition by user_id order by next_attempt_at, created_at) as rank
         from webhook_deliveries
        where status = 'pending'
          and (lease_until is null or lease_until <= $1::timestamptz)
          -- Named deliveries ("send now") are taken whether or not their time has come. $1 has
          -- milliseconds, timestamps microseconds: a row written in the same millisecond is due.
          and (case when $6::text[] is null then next_attempt_at < $1::timestamptz + interval '1 millisecond' else id::text = any($6::text[]) end)
     ), due as (
       select d.id from webhook_deliveries d join candidates c on c.id = d.id
        where c.rank <= $3 and d.status = 'pending'
          and (d.lease_until is null or d.lease_until <= $1::timestamptz)
        order by c.next_attempt_at
        limit $2
        for update of d skip locked
     ), claimed as (
       update webhook_deliveries d
          set lease_owner = $4, lease_until = $1::timestamptz + make_interval(secs => $5)
         from due where d.id = due.id
       returning d.id, d.user_id, d.connection_id, d.event_type, d.payload, d.attempts
     )
     select c.*, e.url, e.secret_enc from claimed c left join notification_endpoints e on e.user_id = c.user_id`,
    [params.now.toISOString(), params.limit, params.perUser, params.owner, params.leaseSec, params.ids ?? null],
  );
}

/** Every current owner of a delivery lease (few: one per sweep in flight). */
export async function listDeliveryLeaseOwners(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ lease_owner: string }>(
    `select distinct lease_owner from webhook_deliveries where status = 'pending' and lease_owner is not null and lease_until > now()`,
  );
  return rows.map((r) => r.lease_owner);
}

/** Hands the pending deliveries of these (dead) owners back to the queue, no attempt counted. */
export async function releaseDeliveryLeasesOf(sql: Sql, owners: string[]): Promise<number> {
  if (owners.length === 0) return 0;
  const rows = await sql.query(
    `update webhook_deliveries set lease_owner = null, lease_until = null
      where lease_owner = any($1::text[]) and status = 'pending' returning 1`,
    [owners],
  );
  return rows.length;
}

/** Gives claimed rows back untouched (no attempt counted), for a run that ran out of time. */
export async function releaseDeliveries(sql: Sql, params: { owner: string; ids: string[] }): Promise<void> {
  await sql.query(
    `update webhook_deliveries set lease_owner = null, lease_until = null
      where id::text = any($2::text[]) and lease_owner = $1 and status = 'pending'`,
    [params.owner, params.ids],
  );
}

export interface AttemptRecord {
  id: string;
  owner: string;
  statusCode: number | null;
  error: string | null;
  at: Date;
}

export interface FinishedDelivery {
  user_id: string;
  connection_id: string | null;
  event_type: string;
  attempts: number;
}

/**
 * Records one attempt and releases the lease. Only the lease owner may: a deliverer whose lease
 * expired gets undefined back and must not audit an outcome that is no longer its own.
 */
async function recordAttempt(
  sql: Sql,
  a: AttemptRecord,
  outcome: { status: 'delivered' | 'pending' | 'failed'; nextAttemptAt: Date | null },
): Promise<FinishedDelivery | undefined> {
  const [row] = await sql.query<FinishedDelivery>(
    `update webhook_deliveries set
        status = $3, attempts = attempts + 1, last_status_code = $4, last_error = $5,
        next_attempt_at = coalesce($6::timestamptz, next_attempt_at),
        delivered_at = case when $3 = 'delivered' then $7::timestamptz else delivered_at end,
        lease_owner = null, lease_until = null
      where id = $1 and lease_owner = $2 and status = 'pending'
      returning user_id, connection_id, event_type, attempts`,
    [a.id, a.owner, outcome.status, a.statusCode, a.error, outcome.nextAttemptAt?.toISOString() ?? null, a.at.toISOString()],
  );
  return row;
}

export function markDeliveryDelivered(sql: Sql, a: AttemptRecord): Promise<FinishedDelivery | undefined> {
  return recordAttempt(sql, a, { status: 'delivered', nextAttemptAt: null });
}

export function scheduleDeliveryRetry(sql: Sql, a: AttemptRecord & { nextAttemptAt: Date }): Promise<FinishedDelivery | undefined> {
  return recordAttempt(sql, a, { status: 'pending', nextAttemptAt: a.nextAttemptAt });
}

export function markDeliveryFailed(sql: Sql, a: AttemptRecord): Promise<FinishedDelivery | undefined> {
  return recordAttempt(sql, a, { status: 'failed', nextAttemptAt: null });
}

export interface DeliveryRow {
  id: string;
  connection_id: string | null;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  payload: unknown;
}

export async function listDeliveries(sql: Sql, params: { userId: string; limit: number }): Promise<DeliveryRow[]> {
  return sql.query<DeliveryRow>(
    `select id, connection_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error,
            created_at, delivered_at, payload
       from webhook_deliveries where user_id = $1 order by created_at desc, id limit $2`,
    [params.userId, params.limit],
  );
}
