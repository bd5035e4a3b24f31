import 'server-only';
import { getTarget } from '../db/insights-targets';
import type { RunRow, RunUpdate } from '../db/insights-runs';
import { enqueueNotification } from '../db/notifications';
import type { Sql } from '../db/types';

/**
 * `insights.sync_failed`: the user's webhook hears when a sync run ends failed (not when it is
 * deferred or retrying: those resolve themselves). Enqueued in the transaction that marks the run
 * failed, so the event exists if and only if the failure committed. The payload names the run,
 * the account and the reason; never a token, URL or provider response body (error messages are
 * the classified, scrubbed ones the run row keeps).
 */
export async function notifyRunFailed(sql: Sql, run: Pick<RunRow, 'id' | 'user_id' | 'connection_id' | 'target_id' | 'provider' | 'trigger' | 'window_from' | 'window_to' | 'days_total'>, u: RunUpdate): Promise<boolean> {
  const target = await getTarget(sql, { id: run.target_id });
  return enqueueNotification(sql, {
    userId: run.user_id,
    connectionId: run.connection_id,
    type: 'insights.sync_failed',
    data: {
      runId: run.id,
      connectionId: run.connection_id,
      provider: run.provider,
      accountId: target?.account_id ?? null,
      accountName: target?.account_name ?? null,
      trigger: run.trigger,
      window: { from: run.window_from, to: run.window_to },
      daysTotal: run.days_total,
      daysDone: u.daysDone ?? null,
      attempts: u.attempts ?? null,
      errorCode: u.errorCode ?? null,
      reason: u.errorMessage ?? null,
    },
  });
}
