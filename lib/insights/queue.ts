import 'server-only';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { claimDueTargets, getConnectionForTargets, listTargets, setTargetNextRun } from '../db/insights-targets';
import { findActiveRun, insertRun, type NewRun } from '../db/insights-runs';
import type { InsightSettings } from '../env';
import { newProgress } from './progress';
import { deriveTargets } from './targets';
import { saveTargets } from '../db/insights-targets';
import type { DayRange, InsightProvider, RunTrigger } from './types';
import { CHUNK_DAYS, clampWindow, daysIn, nextScheduledAt, scheduledWindow, splitWindow, todayIn, unreadableRangeMessage } from './windows';

/** Queueing runs: scheduled ones from due targets (the sweep), manual ones from Sync now. */

type WindowSettings = Pick<InsightSettings, 'backfillDays' | 'lookbackDays' | 'intervalSec'>;

interface PlannedTarget {
  id: string;
  user_id: string;
  connection_id: string;
  provider: string;
  time_zone: string;
  last_success_at: Date | null;
}

function planRun(target: PlannedTarget, window: DayRange, trigger: RunTrigger): NewRun {
  const provider = target.provider as InsightProvider;
  return {
    userId: target.user_id,
    targetId: target.id,
    connectionId: target.connection_id,
    provider,
    trigger,
    from: window.from,
    to: window.to,
    daysTotal: daysIn(window),
    progress: newProgress(splitWindow(window, CHUNK_DAYS[provider])),
  };
}

function scheduledRun(target: PlannedTarget, settings: WindowSettings, trigger: RunTrigger, now: Date): NewRun {
  const provider = target.provider as InsightProvider;
  const today = todayIn(target.time_zone, now);
  return planRun(target, scheduledWindow(provider, settings, today, target.last_success_at === null), trigger);
}

/** A requested range as each target's provider still has it; the refusal when one has none of it. */
function backfillRuns(targets: PlannedTarget[], range: DayRange, now: Date): NewRun[] | { refused: string } {
  const runs: NewRun[] = [];
  for (const target of targets) {
    const provider = target.provider as InsightProvider;
    const today = todayIn(target.time_zone, now);
    const window = clampWindow(provider, range, today);
    if (!window) return { refused: unreadableRangeMessage(provider, range, today) };
    runs.push(planRun(target, window, 'backfill'));
  }
  return runs;
}

/** Queues a run for every due target and moves each to its next slot; returns how many were queued. */
export async function queueDueRuns(db: Database, settings: InsightSettings, options: { limit?: number; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const due = await claimDueTargets(tx, { limit: options.limit ?? 200 });
    let queued = 0;
    for (const target of due) {
      if (await insertRun(tx, scheduledRun(target, settings, 'scheduled', now))) queued++;
      await setTargetNextRun(tx, { id: target.id, at: nextScheduledAt(target.id, settings.intervalSec, now.getTime()) });
    }
    return queued;
  });
}

export type QueueSyncResult =
  | { kind: 'queued'; runIds: string[] }
  | { kind: 'running'; runId: string }
  | { kind: 'no_targets' }
  /** The range is wholly outside what the provider still has (or after today): nothing queued. */
  | { kind: 'out_of_range'; message: string };

/**
 * Sync now (optionally a backfill of `range`) for every enabled target of one connection, as the
 * user (RLS). One already unfinished → `running` with its id, and nothing is queued.
 */
export async function queueSyncNow(
  db: Database,
  settings: WindowSettings,
  params: { userId: string; connectionId: string; range?: DayRange; now?: Date; actor?: string; requestId?: string | null },
): Promise<QueueSyncResult> {
  const now = params.now ?? new Date();
  const existing = await asUser(db, params.userId, (tx) => listTargets(tx, { userId: params.userId, connectionId: params.connectionId }));
  if (existing.length === 0) {
    // The sweep has not derived this connection's targets yet: do it now, as the system.
    await db.transaction(async (tx) => {
      const connection = await getConnectionForTargets(tx, { userId: params.userId, id: params.connectionId });
      if (connection) await saveTargets(tx, connection, deriveTargets(connection));
    });
  }
  return asUser(db, params.userId, async (tx) => {
    const targets = (await listTargets(tx, { userId: params.userId, connectionId: params.connectionId })).filter((t) => t.enabled);
    if (targets.length === 0) return { kind: 'no_targets' };
    for (const target of targets) {
      const active = await findActiveRun(tx, { userId: params.userId, targetId: target.id });
      if (active) return { kind: 'running', runId: active.id };
    }
    const planned = params.range ? backfillRuns(targets, params.range, now) : targets.map((t) => scheduledRun(t, settings, 'manual', now));
    if ('refused' in planned) return { kind: 'out_of_range', message: planned.refused };
    const runIds: string[] = [];
    for (const run of planned) {
      const id = await insertRun(tx, run);
      if (id) runIds.push(id);
      // A manual sync reads what a scheduled one would: the next scheduled run moves to the following slot.
      if (id && !params.range) await setTargetNextRun(tx, { id: run.targetId, at: nextScheduledAt(run.targetId, settings.intervalSec, now.getTime()) });
    }
    await recordAuditEvent(tx, {
      userId: params.userId,
      connectionId: params.connectionId,
      actor: params.actor ?? 'user',
      action: 'insights.sync_requested',
      outcome: 'info',
      detail: { runs: runIds.length, ...(params.range ? { from: params.range.from, to: params.range.to } : {}) },
      requestId: params.requestId,
    });
    return { kind: 'queued', runIds };
  });
}
