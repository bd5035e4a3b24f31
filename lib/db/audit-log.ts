import 'server-only';
import { dayBoundsIn } from '../time-zones';
import type { AuditOutcome } from './audit';
import type { Sql } from './types';

/** What the audit page can narrow the log to; every field optional. */
export interface AuditLogFilters {
  connectionId?: string;
  action?: string;
  outcome?: AuditOutcome;
  /** First day included, YYYY-MM-DD, a day in `timeZone`. */
  from?: string;
  /** Last day included, YYYY-MM-DD, a day in `timeZone`. */
  to?: string;
  /** The IANA zone whose days `from` and `to` are (the browser's); UTC when none. */
  timeZone?: string;
  /** Free text matched, case-insensitively and literally (% and _ are plain characters), in the action or the detail. */
  search?: string;
}

/**
 * Where a page starts, by event id (keyset pagination: stable while new events arrive, and no
 * OFFSET scan). `before` pages towards older events, `after` towards newer ones.
 */
export type AuditLogCursor = { before: string } | { after: string } | null;

export interface AuditLogRow {
  id: string;
  connection_id: string | null;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
  request_id: string | null;
  created_at: Date;
  /** The connection as it is now (name and provider), when the event names one. */
  connection_name: string | null;
  connection_external_id: string | null;
  connection_provider: string | null;
}

export interface AuditLogPage {
  /** Newest first. */
  rows: AuditLogRow[];
  hasNewer: boolean;
  hasOlder: boolean;
}

/**
 * The WHERE clause shared by the page, its "is there more?" probes and the export; parameters
 * $1..$7. Days are the filter's zone's days, turned into instants here (lib/time-zones.ts): `to`
 * includes its whole day. The detail is searched as its JSON text, keys included.
 */
const FILTERS = `a.user_id = $1
  and ($2::uuid is null or a.connection_id = $2::uuid)
  and ($3::text is null or a.action = $3::text)
  and ($4::text is null or a.outcome = $4::text)
  and ($5::timestamptz is null or a.created_at >= $5::timestamptz)
  and ($6::timestamptz is null or a.created_at < $6::timestamptz)
  and ($7::text is null or a.action ilike $7::text escape '\\' or a.detail::text ilike $7::text escape '\\')`;

/** A LIKE pattern that matches `text` literally anywhere: its own \, % and _ are escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterParams(userId: string, filters: AuditLogFilters): unknown[] {
  const days = dayBoundsIn(filters.timeZone ?? 'UTC', filters.from, filters.to);
  return [
    userId,
    filters.connectionId ?? null,
    filters.action ?? null,
    filters.outcome ?? null,
    days.from?.toISOString() ?? null,
    days.to?.toISOString() ?? null,
    filters.search ? containsPattern(filters.search) : null,
  ];
}

const COLUMNS = `a.id::text as id, a.connection_id, a.actor, a.action, a.outcome, a.detail, a.request_id, a.created_at,
            c.display_name as connection_name, c.external_account_id as connection_external_id,
            c.provider as connection_provider
       from audit_events a left join connections c on c.id = a.connection_id`;

/**
 * One page of the user's audit log, newest first, plus whether events exist on either side of it.
 * Call it inside `asUser`: RLS scopes the rows and the user filter says so too.
 */
export async function listAuditLogPage(
  sql: Sql,
  params: { userId: string; filters: AuditLogFilters; cursor: AuditLogCursor; limit: number },
): Promise<AuditLogPage> {
  const { filters, cursor, limit } = params;
  const base = filterParams(params.userId, filters);
  const towardsNewer = cursor !== null && 'after' in cursor;
  const bound = cursor === null ? null : 'after' in cursor ? cursor.after : cursor.before;

  // One more row than shown says whether the page continues in the direction of travel.
  const fetched = await sql.query<AuditLogRow>(
    `select ${COLUMNS}
      where ${FILTERS}
        and ($8::bigint is null or ${towardsNewer ? 'a.id > $8::bigint' : 'a.id < $8::bigint'})
      order by a.id ${towardsNewer ? 'asc' : 'desc'}
      limit $9`,
    [...base, bound, limit + 1],
  );
  const more = fetched.length > limit;
  const page = fetched.slice(0, limit);
  const rows = towardsNewer ? page.reverse() : page;

  // An empty page (a cursor past either end) has no neighbours of its own; the page offers the start.
  if (rows.length === 0) return { rows, hasNewer: false, hasOlder: false };

  // The other side: there is something there if the cursor came from it, but filters and new
  // events make "came from" a guess, so ask.
  const exists = async (comparison: '>' | '<', id: string) => {
    const [row] = await sql.query<{ found: boolean }>(
      `select exists (select 1 from audit_events a where ${FILTERS} and a.id ${comparison} $8::bigint) as found`,
      [...base, id],
    );
    return row?.found === true;
  };
  return {
    rows,
    hasNewer: towardsNewer ? more : await exists('>', rows[0]!.id),
    hasOlder: towardsNewer ? await exists('<', rows[rows.length - 1]!.id) : more,
  };
}

export interface AuditLogExport {
  /** Newest first, at most `limit`. */
  rows: AuditLogRow[];
  /** More events matched than `limit`. */
  truncated: boolean;
}

/**
 * Every event the filters match, newest first, up to `limit` (one query: the export is bounded, so
 * it needs no paging). Call it inside `asUser`.
 */
export async function listAuditLogForExport(
  sql: Sql,
  params: { userId: string; filters: AuditLogFilters; limit: number },
): Promise<AuditLogExport> {
  const fetched = await sql.query<AuditLogRow>(
    `select ${COLUMNS}
      where ${FILTERS}
      order by a.id desc
      limit $8`,
    [...filterParams(params.userId, params.filters), params.limit + 1],
  );
  return { rows: fetched.slice(0, params.limit), truncated: fetched.length > params.limit };
}

/** The actions that occur in the user's log, for the filter's choices. */
export async function listAuditActions(sql: Sql, params: { userId: string }): Promise<string[]> {
  const rows = await sql.query<{ action: string }>(
    'select distinct action from audit_events where user_id = $1 order by action',
    [params.userId],
  );
  return rows.map((r) => r.action);
}
