import 'server-only';
import { decodeCursor, slicePage } from '../connections/cursor';
import { asUser, type Database } from '../db';
import { countRunOutcomes, listRuns, listTargetStatus, summarizeSync, type RunRow, type TargetStatusRow } from '../db/insights-runs';

/**
 * What the dashboard and `GET /api/v1/analytics/sync-status` show: per target its state, last
 * success, next run, the latest run's outcome and a running one's progress; per provider the
 * succeeded/failed runs of the last 7 days. Read as the user (RLS).
 */

/** `resuming`: the last run died with the grant, which has been renewed since; the next scheduled run syncs. */
export type TargetState = 'syncing' | 'deferred' | 'idle' | 'failed' | 'reconnect' | 'resuming' | 'disabled';

function stateOf(row: TargetStatusRow): TargetState {
  if (!row.enabled) return 'disabled';
  if (row.connection_status === 'needs_reauth') return 'reconnect';
  if (row.run_state === 'deferred') return 'deferred';
  if (row.run_state && row.run_state !== 'succeeded' && row.run_state !== 'failed') return 'syncing';
  if (row.run_state === 'failed' && row.error_code === 'reconnect') return grantRenewedSinceRun(row) ? 'resuming' : 'reconnect';
  if (row.run_state === 'failed') return 'failed';
  return 'idle';
}

/** Read in the same statement as the run, so an "active" from before the run ended cannot pass for a reconnect. */
function grantRenewedSinceRun(row: TargetStatusRow): boolean {
  const renewed = row.connection_refreshed_at;
  const ended = row.run_finished_at;
  return row.connection_status === 'active' && renewed !== null && ended !== null && renewed.getTime() > ended.getTime();
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function describeTarget(row: TargetStatusRow) {
  const state = stateOf(row);
  const running = state === 'syncing' || state === 'deferred';
  return {
    id: row.target_id,
    connectionId: row.connection_id,
    provider: row.provider,
    accountId: row.account_id,
    accountName: row.account_name,
    currency: row.currency,
    state,
    skipReason: row.skip_reason,
    lastSuccessAt: iso(row.last_success_at),
    // Scheduling stops while the grant is dead; a running run's next step is its own time.
    nextRunAt: state === 'reconnect' || state === 'disabled' ? null : iso(running ? row.run_next_at : row.next_run_at),
    progress: running ? { daysDone: row.days_done ?? 0, daysTotal: row.days_total ?? 0 } : null,
    lastRun: row.run_id
      ? {
          id: row.run_id,
          state: row.run_state,
          trigger: row.run_trigger,
          rowsWritten: row.rows_written,
          errorCode: row.error_code,
          errorMessage: row.error_message,
          finishedAt: iso(row.run_finished_at),
        }
      : null,
  };
}

export async function describeSyncStatus(db: Database, params: { userId: string; connectionId?: string }) {
  return asUser(db, params.userId, async (tx) => {
    const targets = (await listTargetStatus(tx, params)).map(describeTarget);
    const counts = await countRunOutcomes(tx, { userId: params.userId, days: 7 });
    return { targets, last7Days: counts };
  });
}

/**
 * The dashboard's sync status: the targets of the connections on the page of cards on screen
 * (never every target: a user may have thousands), and the user's summary (how many targets,
 * 7-day run counts) from one aggregate statement.
 */
export async function describeCardsSyncStatus(db: Database, params: { userId: string; connectionIds: readonly string[] }) {
  return asUser(db, params.userId, async (tx) => {
    const targets = params.connectionIds.length
      ? (await listTargetStatus(tx, { userId: params.userId, connectionIds: params.connectionIds })).map(describeTarget)
      : [];
    const summary = await summarizeSync(tx, { userId: params.userId, days: 7 });
    return { targets, last7Days: summary.last7Days, targetCount: summary.targets };
  });
}

/**
 * `GET /api/v1/analytics/sync-status` a page at a time (`limit`, `cursor` as the status API's),
 * optionally only some connections' targets (`connectionIds`: a page of the dashboard's cards):
 * the page's targets, with the user's summary on every page (a few rows per provider).
 */
export async function describeSyncStatusPage(db: Database, params: { userId: string; limit: number; cursor?: string; connectionIds?: readonly string[] }) {
  const at = params.cursor ? decodeCursor(params.cursor) : null;
  return asUser(db, params.userId, async (tx) => {
    const page = { limit: params.limit, after: at?.after, before: at?.before };
    const wanted = params.connectionIds;
    const rows = wanted?.length === 0 ? [] : (await listTargetStatus(tx, { userId: params.userId, connectionIds: wanted, page })).map(describeTarget);
    const { rows: targets, nextCursor, prevCursor } = slicePage(rows, params.limit, at);
    const summary = await summarizeSync(tx, { userId: params.userId, days: 7 });
    return { targets, last7Days: summary.last7Days, targetCount: summary.targets, next_cursor: nextCursor, prev_cursor: prevCursor };
  });
}

export function describeRun(run: RunRow) {
  const started = run.started_at ?? run.created_at;
  return {
    id: run.id,
    trigger: run.trigger,
    state: run.state,
    window: { from: run.window_from, to: run.window_to },
    progress: { daysDone: run.days_done, daysTotal: run.days_total },
    rowsWritten: run.rows_written,
    requestsMade: run.requests_made,
    attempts: run.attempts,
    errorCode: run.error_code,
    errorMessage: run.error_message,
    createdAt: run.created_at.toISOString(),
    startedAt: iso(run.started_at),
    finishedAt: iso(run.finished_at),
    durationMs: run.finished_at ? run.finished_at.getTime() - started.getTime() : null,
  };
}

/** A connection's runs, newest first; `after` is the previous page's `next` (a run id). */
export async function listSyncHistory(db: Database, params: { userId: string; connectionId: string; limit: number; after?: string }) {
  const runs = await asUser(db, params.userId, (tx) =>
    listRuns(tx, { userId: params.userId, connectionId: params.connectionId, limit: params.limit + 1, afterId: params.after }),
  );
  const page = runs.slice(0, params.limit).map(describeRun);
  return { runs: page, next: runs.length > params.limit ? (page[page.length - 1]?.id ?? null) : null };
}
