import 'server-only';
import { asUser, type Database } from '../db';
import {
  listConnectionEvents,
  listRefreshAttempts,
  REFRESH_ACTIONS,
  summarizeRefreshAttempts,
  type ConnectionEventRow,
} from '../db/connection-history';
import { getConnection } from '../db/connections';
import { toStatusView, type ConnectionStatusView } from './status';

/** An audit event as the detail page shows it; `detail` was stripped of secrets when written. */
export interface ConnectionEventView {
  id: string;
  actor: string;
  action: string;
  outcome: ConnectionEventRow['outcome'];
  detail: Record<string, unknown>;
  requestId: string | null;
  durationMs: number | null;
  createdAt: string;
}

export interface RefreshStats {
  attempts: number;
  succeeded: number;
  failed: number;
  avgDurationMs: number | null;
  maxDurationMs: number | null;
  lastSuccessAt: string | null;
}

export interface RefreshHistory {
  stats: RefreshStats;
  recent: ConnectionEventView[];
}

export interface EventsPage {
  items: ConnectionEventView[];
  /** Cursor for the page of newer events (`?after=`), null on the newest page. */
  newer: string | null;
  /** Cursor for the page of older events (`?before=`), null on the oldest page. */
  older: string | null;
}

export interface EventPage {
  before?: string;
  after?: string;
  /** Refresh attempts have their own section above the events: listed here only when asked. */
  withRefreshes?: boolean;
}

export const EVENTS_PAGE_SIZE = 20;
export const RECENT_REFRESHES = 25;

const toEventView = (e: ConnectionEventRow): ConnectionEventView => ({
  id: e.id,
  actor: e.actor,
  action: e.action,
  outcome: e.outcome,
  detail: e.detail,
  requestId: e.request_id,
  durationMs: e.duration_ms,
  createdAt: e.created_at.toISOString(),
});

/**
 * A connection of this user, or null when the user has no such connection: whether it belongs to
 * someone else or to nobody, the answer is the same, so a page cannot reveal that an id exists.
 */
export async function getConnectionForUser(
  db: Database,
  params: { userId: string; connectionId: string },
): Promise<ConnectionStatusView | null> {
  const row = await asUser(db, params.userId, (tx) => getConnection(tx, { userId: params.userId, id: params.connectionId }));
  return row ? toStatusView(row) : null;
}

/** The latest refresh attempts and warnings of one of this user's connections, with totals. */
export async function getRefreshHistory(
  db: Database,
  params: { userId: string; connectionId: string; limit?: number },
): Promise<RefreshHistory> {
  const { userId, connectionId } = params;
  return asUser(db, userId, async (tx) => {
    // One transaction, one database connection: the two queries run one after the other.
    const recent = await listRefreshAttempts(tx, { userId, connectionId, limit: params.limit ?? RECENT_REFRESHES });
    const stats = await summarizeRefreshAttempts(tx, { userId, connectionId });
    return {
      recent: recent.map(toEventView),
      stats: {
        attempts: stats.attempts,
        succeeded: stats.succeeded,
        failed: stats.failed,
        avgDurationMs: stats.avg_duration_ms,
        maxDurationMs: stats.max_duration_ms,
        lastSuccessAt: stats.last_success_at?.toISOString() ?? null,
      },
    };
  });
}

/** One page of the audit events of one of this user's connections, newest first. */
export async function getConnectionEvents(
  db: Database,
  params: { userId: string; connectionId: string; page?: EventPage; pageSize?: number },
): Promise<EventsPage> {
  const { userId, connectionId, page = {} } = params;
  const pageSize = params.pageSize ?? EVENTS_PAGE_SIZE;
  const rows = await asUser(db, userId, (tx) =>
    listConnectionEvents(tx, {
      userId,
      connectionId,
      limit: pageSize,
      before: page.before,
      after: page.after,
      exceptActions: page.withRefreshes ? [] : REFRESH_ACTIONS,
    }),
  );
  const more = rows.length > pageSize;
  // `after` pages come back newest first with the extra row at the top; others at the bottom.
  const items = page.after ? rows.slice(more ? 1 : 0) : rows.slice(0, pageSize);
  const newest = items[0]?.id ?? null;
  const oldest = items.at(-1)?.id ?? null;
  return {
    items: items.map(toEventView),
    newer: page.after ? (more ? newest : null) : page.before ? newest : null,
    older: page.after ? oldest : more ? oldest : null,
  };
}
