import 'server-only';
import type { Sql } from './types';

/**
 * Sync runs: a state machine in Postgres (lib/insights/advance-run.ts). A run is advanced only by
 * the holder of its lease, claimed with FOR UPDATE SKIP LOCKED, so one target is never synced by
 * two instances at once; a crashed holder's lease simply expires and the run resumes from its
 * stored progress (Amazon report ids included).
 */

export interface RunRow {
  id: string;
  user_id: string;
  target_id: string;
  connection_id: string;
  provider: string;
  trigger: 'scheduled' | 'manual' | 'backfill';
  state: string;
  window_from: string;
  window_to: string;
  days_total: number;
  days_done: number;
  rows_written: number;
  requests_made: number;
  report_ids: string[];
  progress: unknown;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  next_run_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
}

// Dates as text: a `date` must not shift through a time zone on its way to JavaScript.
const RUN_COLUMNS = `id, user_id, target_id, connection_id, provider, trigger, state, window_from::text as window_from,
  window_to::text as window_to, days_total, days_done, rows_written, requests_made, report_ids, progress, attempts,
  error_code, error_message, next_run_at, started_at, finished_at, created_at`;

export interface NewRun {
  userId: string;
  targetId: string;
  connectionId: string;
  provider: string;
  trigger: RunRow['trigger'];
  from: string;
  to: string;
  daysTotal: number;
  progress: unknown;
}

/** Queues a run; undefined when the target already has an unfinished one. */
export async function insertRun(sql: Sql, run: NewRun): Promise<string | undefined> {
  const [row] = await sql.query<{ id: string }>(
    `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, window_from, window_to, days_total, progress)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)
     on conflict (target_id) where state not in ('succeeded', 'failed') do nothing
     returning id`,
    [run.userId, run.targetId, run.connectionId, run.provider, run.trigger, run.from, run.to, run.daysTotal, JSON.stringify(run.progress)],
  );
  return row?.id;
}

/**
 * Claims up to `limit` due unfinished runs of one provider, never more than `cap` leased at once
 * for that provider across instances (a cap checked in the claiming statement; two instances
 * claiming in the same instant may overshoot it by their batch).
 */
export async function claimDueRuns(
  sql: Sql,
  params: { owner: string; provider: string; leaseSec: number; limit: number; cap: number },
): Promise<RunRow[]> {
  return sql.query<RunRow>(
    `update insight_sync_runs r set lease_owner = $1, lease_until = now() + make_interval(secs => $2),
            started_at = coalesce(r.started_at, now()), updated_at = now()
       from (select id from insight_sync_runs
              where provider = $3 and state not in ('succeeded', 'failed') and next_run_at <= now()
                and (lease_until is null or lease_until < now())
              order by next_run_at
              limit greatest(0, least($4::int, $5::int - (select count(*)::int from insight_sync_runs
                                                  where provider = $3 and lease_until > now()
                                                    and state not in ('succeeded', 'failed'))))
              for update skip locked) due
      where r.id = due.id
      returning ${RUN_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1r.$2')}`,
    [params.owner, params.leaseSec, params.provider, params.limit, params.cap],
  );
}

export interface RunGuard {
  id: string;
  owner: string;
}

export interface RunUpdate {
  state: string;
  progress?: unknown;
  reportIds?: string[];
  daysDone?: number;
  addRows?: number;
  addRequests?: number;
  attempts?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** When the run should next be advanced (waiting, deferred, backing off). */
  nextRunInSec?: number;
  /** Give the lease back (the run waits for a later sweep, or is finished). */
  release?: boolean;
}

/** Writes a step's result while holding the lease; false when the lease is no longer ours. */
export async function updateRun(sql: Sql, guard: RunGuard, u: RunUpdate): Promise<boolean> {
  const finished = u.state === 'succeeded' || u.state === 'failed';
  const rows = await sql.query(
    `update insight_sync_runs set
        state = $3,
        progress = coalesce($4::text::jsonb, progress),
        report_ids = coalesce($5::text[], report_ids),
        days_done = coalesce($6, days_done),
        rows_written = rows_written + $7,
        requests_made = requests_made + $8,
        attempts = coalesce($9, attempts),
        error_code = case when $10::boolean then $11 else error_code end,
        error_message = case when $10::boolean then $12 else error_message end,
        next_run_at = case when $13::float8 is null then next_run_at else now() + make_interval(secs => $13::float8) end,
        finished_at = case when $14::boolean then now() else finished_at end,
        lease_owner = case when $15::boolean then null else lease_owner end,
        lease_until = case when $15::boolean then null else lease_until end,
        updated_at = now()
      where id = $1 and lease_owner = $2
      returning 1`,
    [
      guard.id,
      guard.owner,
      u.state,
      u.progress === undefined ? null : JSON.stringify(u.progress),
      u.reportIds ?? null,
      u.daysDone ?? null,
      u.addRows ?? 0,
      u.addRequests ?? 0,
      u.attempts ?? null,
      u.errorCode !== undefined || u.errorMessage !== undefined,
      u.errorCode ?? null,
      u.errorMessage ?? null,
      u.nextRunInSec ?? null,
      finished,
      finished || (u.release ?? false),
    ],
  );
  if (rows.length === 1 && u.state === 'succeeded') {
    await sql.query(
      `update insight_sync_targets t set last_success_at = now() from insight_sync_runs r where r.id = $1 and t.id = r.target_id`,
      [guard.id],
    );
  } else if (rows.length === 1 && u.state === 'failed' && u.errorCode === 'reconnect') {
    // Due again at once: claimDueTargets passes it over while the grant is dead, so the first sweep
    // after a reconnect syncs, rather than the slot the queueing had moved it to (hours away).
    await sql.query(`update insight_sync_targets t set next_run_at = now() from insight_sync_runs r where r.id = $1 and t.id = r.target_id`, [
      guard.id,
    ]);
  }
  return rows.length === 1;
}

/** Gives back leases a sweep claimed but did not get to before its time budget ran out. */
export async function releaseRunLeases(sql: Sql, params: { owner: string; ids: string[] }): Promise<void> {
  if (params.ids.length === 0) return;
  await sql.query(`update insight_sync_runs set lease_owner = null, lease_until = null where lease_owner = $1 and id = any($2::uuid[])`, [
    params.owner,
    params.ids,
  ]);
}

/** Owners holding a live lease on an unfinished run (start-up recovery looks for this host's dead ones). */
export async function listRunLeaseOwners(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ lease_owner: string }>(
    `select distinct lease_owner from insight_sync_runs
      where lease_owner is not null and lease_until > now() and state not in ('succeeded', 'failed')`,
  );
  return rows.map((r) => r.lease_owner);
}

/**
 * Frees the runs of these (dead) owners: each resumes from its last stored step at its stored
 * next_run_at (due already, unless the step had set a later one), no attempt counted.
 */
export async function releaseRunLeasesOf(sql: Sql, owners: string[]): Promise<number> {
  if (owners.length === 0) return 0;
  const rows = await sql.query(
    `update insight_sync_runs set lease_owner = null, lease_until = null, updated_at = now()
      where lease_owner = any($1::text[]) and state not in ('succeeded', 'failed') returning 1`,
    [owners],
  );
  return rows.length;
}

/**
 * Frees the unfinished runs whose owner contains `mark` (this process's, thisProcessOwnerMark in
 * lib/refresh/lease.ts) when a stop's grace has run out; the ids of the runs freed.
 */
export async function releaseRunLeasesMarked(sql: Sql, mark: string): Promise<string[]> {
  // strpos, not like: a host name's `_` would be a wildcard.
  const rows = await sql.query<{ id: string }>(
    `update insight_sync_runs set lease_owner = null, lease_until = null, updated_at = now()
      where lease_owner is not null and strpos(lease_owner, $1) > 0 and state not in ('succeeded', 'failed')
      returning id`,
    [mark],
  );
  return rows.map((r) => r.id);
}

export async function getRun(sql: Sql, params: { id: string }): Promise<RunRow | undefined> {
  const [row] = await sql.query<RunRow>(`select ${RUN_COLUMNS} from insight_sync_runs where id = $1`, [params.id]);
  return row;
}

/** The unfinished run of a target, if any. */
export async function findActiveRun(sql: Sql, params: { userId: string; targetId: string }): Promise<RunRow | undefined> {
  const [row] = await sql.query<RunRow>(
    `select ${RUN_COLUMNS} from insight_sync_runs
      where user_id = $1 and target_id = $2 and state not in ('succeeded', 'failed')`,
    [params.userId, params.targetId],
  );
  return row;
}

/** A connection's runs, newest first, paged after the run `afterId` (runs queued together share a timestamp). */
export async function listRuns(
  sql: Sql,
  params: { userId: string; connectionId: string; limit: number; afterId?: string },
): Promise<RunRow[]> {
  return sql.query<RunRow>(
    `select ${RUN_COLUMNS} from insight_sync_runs
      where user_id = $1 and connection_id = $2
        and ($3::uuid is null or (created_at, id) < (select created_at, id from insight_sync_runs where id = $3 and user_id = $1))
      order by created_at desc, id desc
      limit $4`,
    [params.userId, params.connectionId, params.afterId ?? null, params.limit],
  );
}

/** Succeeded and failed runs per provider over the last `days` days, for the sync-health card. */
export async function countRunOutcomes(
  sql: Sql,
  params: { userId: string; days: number },
): Promise<{ provider: string; succeeded: number; failed: number }[]> {
  return sql.query(
    `select provider, count(*) filter (where state = 'succeeded')::int as succeeded,
            count(*) filter (where state = 'failed')::int as failed
       from insight_sync_runs
      where user_id = $1 and finished_at > now() - make_interval(days => $2)
      group by provider order by provider`,
    [params.userId, params.days],
  );
}

export interface SyncSummaryRow {
  /** Every target of the user's live connections: what the dashboard's sync card counts. */
  targets: number;
  last7Days: { provider: string; succeeded: number; failed: number }[];
}

/**
 * The user's sync at a glance in one aggregate statement, whatever page is on screen: how many
 * targets there are and the runs per provider that finished in the last `days` days.
 */
export async function summarizeSync(sql: Sql, params: { userId: string; days: number }): Promise<SyncSummaryRow> {
  const [row] = await sql.query<{ targets: number; last7days: SyncSummaryRow['last7Days'] | string }>(
    `select (select count(*)::int from insight_sync_targets t join connections c on c.id = t.connection_id
              where t.user_id = $1 and c.status <> 'revoked') as targets,
            (select coalesce(json_agg(o order by o.provider), '[]'::json)
               from (select provider, count(*) filter (where state = 'succeeded')::int as succeeded,
                            count(*) filter (where state = 'failed')::int as failed
                       from insight_sync_runs
                      where user_id = $1 and finished_at > now() - make_interval(days => $2)
                      group by provider) o) as last7days`,
    [params.userId, params.days],
  );
  const runs = row?.last7days ?? [];
  // json is parsed by postgres.js and PGlite alike; a driver configured to leave it as text still gets read.
  return { targets: row?.targets ?? 0, last7Days: typeof runs === 'string' ? JSON.parse(runs) : runs };
}

export interface TargetStatusRow {
  target_id: string;
  connection_id: string;
  provider: string;
  account_id: string;
  account_name: string | null;
  currency: string | null;
  enabled: boolean;
  skip_reason: string | null;
  next_run_at: Date;
  last_success_at: Date | null;
  connection_status: string;
  /** The connection's last new token (connect, reconnect or refresh). */
  connection_refreshed_at: Date | null;
  run_id: string | null;
  run_state: string | null;
  run_trigger: string | null;
  days_done: number | null;
  days_total: number | null;
  rows_written: number | null;
  error_code: string | null;
  error_message: string | null;
  run_finished_at: Date | null;
  run_next_at: Date | null;
}

/**
 * The targets' list order, total (the id breaks ties), as a keyset: provider, named accounts by
 * name before unnamed ones, account id. `TARGET_KEY_OF` reads the same key off the cursor's row.
 */
const TARGET_KEY = `t.provider, (t.account_name is null), coalesce(t.account_name, ''), t.account_id, t.id`;
const TARGET_DESC_KEY = `t.provider desc, (t.account_name is null) desc, coalesce(t.account_name, '') desc, t.account_id desc, t.id desc`;
const TARGET_KEY_OF = `select provider, (account_name is null), coalesce(account_name, ''), account_id, id from insight_sync_targets`;

export interface TargetStatusQuery {
  userId: string;
  connectionId?: string;
  /** Only these connections' targets (a page of cards); an empty list reads none. */
  connectionIds?: readonly string[];
  /** A page: up to `limit` + 1 rows strictly after (or before) this target, returned in list order. None: every target. */
  page?: { limit: number; after?: string; before?: string };
}

/** The user's targets (or one connection's) with their latest run; revoked connections' targets are left out. */
export async function listTargetStatus(sql: Sql, params: TargetStatusQuery): Promise<TargetStatusRow[]> {
  const args: unknown[] = [params.userId, params.connectionId ?? null];
  const page = params.page;
  const cursor = page?.after ?? page?.before;
  let narrow = '';
  if (params.connectionIds) {
    args.push(params.connectionIds);
    narrow = `and t.connection_id = any($${args.length}::uuid[])`;
  }
  if (cursor) {
    args.push(cursor);
    narrow += ` and (${TARGET_KEY}) ${page?.after ? '>' : '<'} (${TARGET_KEY_OF} where user_id = $1 and id = $${args.length})`;
  }
  let limit = '';
  if (page) {
    args.push(page.limit + 1);
    limit = `limit $${args.length}`;
  }
  const order = page?.before ? TARGET_DESC_KEY : TARGET_KEY;
  // The page is cut before the latest runs are joined, so a page reads `limit` runs, not one per target.
  const rows = await sql.query<TargetStatusRow>(
    `select t.id as target_id, t.connection_id, t.provider, t.account_id, t.account_name, t.currency, t.enabled, t.skip_reason,
            t.next_run_at, t.last_success_at, t.connection_status, t.connection_refreshed_at,
            r.id as run_id, r.state as run_state, r.trigger as run_trigger, r.days_done, r.days_total, r.rows_written,
            r.error_code, r.error_message, r.finished_at as run_finished_at, r.next_run_at as run_next_at
       from (select t.*, c.status as connection_status, c.last_refreshed_at as connection_refreshed_at
               from insight_sync_targets t join connections c on c.id = t.connection_id
              where t.user_id = $1 and ($2::uuid is null or t.connection_id = $2) and c.status <> 'revoked' ${narrow}
              order by ${order} ${limit}) t
       left join lateral (select * from insight_sync_runs r where r.target_id = t.id order by r.created_at desc limit 1) r on true
      order by ${order}`,
    args,
  );
  return page?.before ? rows.reverse() : rows;
}
