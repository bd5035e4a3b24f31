import 'server-only';
import type { AuditOutcome } from './audit';
import type { Sql } from './types';

/**
 * One connection's history, for its detail page: refresh attempts and its audit events. Every
 * query filters by user and is meant to run inside asUser, so RLS is the second wall.
 */

/** The audit actions the refresher writes (lib/refresh/refresh-connection.ts). */
export const REFRESH_ACTIONS = [
  'token.refreshed',
  'token.refresh_failed',
  'connection.needs_reauth',
  'connection.expires_soon',
  'token.refresh_discarded',
  'token.refresh_pending',
  'connection.key_unavailable',
] as const;

export interface ConnectionEventRow {
  id: string;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
  request_id: string | null;
  duration_ms: number | null;
  created_at: Date;
}

const EVENT_COLUMNS = 'id::text, actor, action, outcome, detail, request_id, duration_ms, created_at';

/** The latest refresh attempts and warnings of one connection, newest first. */
export async function listRefreshAttempts(
  sql: Sql,
  params: { userId: string; connectionId: string; limit: number },
): Promise<ConnectionEventRow[]> {
  return sql.query<ConnectionEventRow>(
    `select ${EVENT_COLUMNS} from audit_events
      where user_id = $1 and connection_id = $2 and action = any($3::text[])
      order by audit_events.id desc limit $4`,
    [params.userId, params.connectionId, REFRESH_ACTIONS, params.limit],
  );
}

export interface RefreshStatsRow {
  attempts: number;
  succeeded: number;
  failed: number;
  avg_duration_ms: number | null;
  max_duration_ms: number | null;
  last_success_at: Date | null;
}

/** Counts over every refresh attempt of one connection (warnings are not attempts). */
export async function summarizeRefreshAttempts(
  sql: Sql,
  params: { userId: string; connectionId: string },
): Promise<RefreshStatsRow> {
  const [row] = await sql.query<RefreshStatsRow>(
    `select count(*)::int as attempts,
            count(*) filter (where action = 'token.refreshed')::int as succeeded,
            count(*) filter (where action in ('token.refresh_failed', 'connection.needs_reauth'))::int as failed,
            round(avg(duration_ms) filter (where action = 'token.refreshed'))::int as avg_duration_ms,
            max(duration_ms) filter (where action = 'token.refreshed') as max_duration_ms,
            max(created_at) filter (where action = 'token.refreshed') as last_success_at
       from audit_events
      where user_id = $1 and connection_id = $2 and action = any($3::text[]) and action <> 'connection.expires_soon'`,
    [params.userId, params.connectionId, REFRESH_ACTIONS],
  );
  return row ?? { attempts: 0, succeeded: 0, failed: 0, avg_duration_ms: null, max_duration_ms: null, last_success_at: null };
}

/**
 * A page of one connection's audit events, newest first, by keyset on the id: `before` gives the
 * page older than that event, `after` the page newer than it. Keysets stay put while new events
 * arrive (the sweep writes every few seconds), where offsets would shift under the reader.
 * Returns up to `limit + 1` rows so the caller can tell whether there is more in that direction.
 */
export async function listConnectionEvents(
  sql: Sql,
  params: {
    userId: string;
    connectionId: string;
    limit: number;
    before?: string;
    after?: string;
    /** Actions to leave out, e.g. the refresh attempts the page already lists on their own. */
    exceptActions?: readonly string[];
  },
): Promise<ConnectionEventRow[]> {
  const { userId, connectionId, limit } = params;
  const except = params.exceptActions ?? [];
  if (params.after) {
    const rows = await sql.query<ConnectionEventRow>(
      `select ${EVENT_COLUMNS} from audit_events
        where user_id = $1 and connection_id = $2 and id > $3::bigint and action <> all($5::text[])
        order by audit_events.id asc limit $4`,
      [userId, connectionId, params.after, limit + 1, except],
    );
    return rows.reverse();
  }
  return sql.query<ConnectionEventRow>(
    `select ${EVENT_COLUMNS} from audit_events
      where user_id = $1 and connection_id = $2 and ($3::bigint is null or id < $3::bigint)
        and action <> all($5::text[])
      order by audit_events.id desc limit $4`,
    [userId, connectionId, params.before ?? null, limit + 1, except],
  );
}
