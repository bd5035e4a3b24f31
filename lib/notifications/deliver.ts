import 'server-only';
import type { Database } from '../db';
import { recordAuditEvent, type AuditOutcome } from '../db/audit';
import {
  claimDueDeliveries,
  markDeliveryDelivered,
  releaseDeliveries,
  markDeliveryFailed,
  scheduleDeliveryRetry,
  type AttemptRecord,
  type ClaimedDelivery,
  type FinishedDelivery,
} from '../db/notifications';
import type { Sql } from '../db/types';
import { getLogger } from '../log';
import { recordDelivery } from '../metrics/record';
import { decryptToken } from '../tokens/keys';
import { DELIVERY_TIMEOUT_MS, postWebhook, type AttemptResult } from './attempt';
import { DELIVERY_ERROR } from './delivery-errors';
import { nextRetry } from './retry';
import { currentAddressPolicy, type HostResolver } from './webhook-target';

export interface DeliverOptions {
  /** Who holds the leases: an instance or run id, so only this caller records these outcomes. */
  owner: string;
  limit?: number;
  /** Resolves receivers' host names (tests inject a stub); the system resolver by default. */
  resolveHost?: HostResolver;
  timeoutMs?: number;
  now?: () => Date;
  /**
   * Epoch ms (real clock) after which no new attempt starts: a sweep inside a serverless function's
   * maxDuration passes its own. Claimed rows not started by then are released for the next run.
   */
  deadline?: number;
  requestId?: string | null;
}

export interface DeliverySummary {
  delivered: number;
  retrying: number;
  failed: number;
}

export interface DeliveryOutcome {
  deliveryId: string;
  status: 'delivered' | 'retrying' | 'failed';
  statusCode: number | null;
  error: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
}

const DEFAULT_LIMIT = 100;
/** Deliveries in flight at once: enough that slow receivers do not hold up everyone else. */
const CONCURRENCY = 16;
/** Per user per run, so one user's backlog or slow endpoint takes at most this many slots. */
const PER_USER = 3;

/**
 * Delivers what is due: claims leased rows, POSTs them with bounded concurrency, and records each
 * outcome (final ones audited). Safe to run from several instances at once; each row goes to one.
 */
export async function deliverDueNotifications(db: Database, opts: DeliverOptions): Promise<DeliverySummary> {
  const outcomes = await claimAndDeliver(db, opts);
  const summary: DeliverySummary = { delivered: 0, retrying: 0, failed: 0 };
  for (const o of outcomes) if (o) summary[o.status] += 1;
  return summary;
}

/** Delivers one delivery now if it is due and free; null when another deliverer holds it. */
export async function deliverNotificationNow(
  db: Database,
  deliveryId: string,
  opts: DeliverOptions,
): Promise<DeliveryOutcome | null> {
  const [outcome] = await claimAndDeliver(db, { ...opts, limit: 1 }, [deliveryId]);
  return outcome ?? null;
}

async function claimAndDeliver(db: Database, opts: DeliverOptions, ids?: string[]): Promise<(DeliveryOutcome | null)[]> {
  const now = opts.now ?? (() => new Date());
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  // The lease must outlive the run: in the worst case every wave of the pool waits out a timeout.
  const leaseSec = Math.ceil((Math.ceil(limit / CONCURRENCY) * timeoutMs) / 1000) + 60;
  const claimed = await claimDueDeliveries(db, { owner: opts.owner, now: now(), limit, perUser: PER_USER, leaseSec, ids });
  const unstarted: string[] = [];
  const outcomes = await runPool(claimed, CONCURRENCY, (d) => {
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) {
      unstarted.push(d.id);
      return Promise.resolve(null);
    }
    return deliverOne(db, d, { ...opts, now, timeoutMs }).catch((err: unknown) => {
      // The lease runs out and a later run tries again; one broken row never stops the others.
      getLogger().error({ err, deliveryId: d.id }, 'webhook delivery crashed');
      return null;
    });
  });
  if (unstarted.length > 0) await releaseDeliveries(db, { owner: opts.owner, ids: unstarted });
  for (const o of outcomes) if (o) recordDelivery(o.status);
  return outcomes;
}

async function deliverOne(
  db: Database,
  d: ClaimedDelivery,
  opts: DeliverOptions & { now: () => Date; timeoutMs: number },
): Promise<DeliveryOutcome | null> {
  const endpointGone = !d.url || !d.secret_enc;
  const result: AttemptResult = endpointGone
    ? { ok: false, statusCode: null, error: DELIVERY_ERROR.endpointRemoved, retryAfterMs: null }
    : await attempt(d, opts);
  const at = opts.now();
  const record: AttemptRecord = { id: d.id, owner: opts.owner, statusCode: result.statusCode, error: result.ok ? null : result.error, at };
  const attempts = d.attempts + 1;
  const outcome = (status: DeliveryOutcome['status'], nextAttemptAt: Date | null): DeliveryOutcome => ({
    deliveryId: d.id,
    status,
    statusCode: record.statusCode,
    error: record.error,
    attempts,
    nextAttemptAt,
  });

  if (result.ok) {
    return db.transaction(async (tx) => {
      const row = await markDeliveryDelivered(tx, record);
      if (!row) return null;
      await auditOutcome(tx, row, 'notification.delivered', 'success', d.id, record, opts.requestId);
      return outcome('delivered', null);
    });
  }
  const decision = endpointGone || result.final ? { retry: false as const } : nextRetry(attempts, result.retryAfterMs);
  if (decision.retry) {
    const nextAttemptAt = new Date(at.getTime() + decision.delayMs);
    const row = await scheduleDeliveryRetry(db, { ...record, nextAttemptAt });
    return row ? outcome('retrying', nextAttemptAt) : null;
  }
  return db.transaction(async (tx) => {
    const row = await markDeliveryFailed(tx, record);
    if (!row) return null;
    await auditOutcome(tx, row, 'notification.failed', 'failure', d.id, record, opts.requestId);
    getLogger().warn({ deliveryId: d.id, userId: row.user_id, attempts: row.attempts, error: record.error }, 'webhook delivery failed for good');
    return outcome('failed', null);
  });
}

async function attempt(d: ClaimedDelivery, opts: DeliverOptions & { now: () => Date; timeoutMs: number }): Promise<AttemptResult> {
  let secret: string;
  try {
    secret = decryptToken(d.secret_enc ?? '');
  } catch {
    // Counted as a failed attempt, so it ends as `failed` instead of being retried forever.
    return { ok: false, statusCode: null, error: DELIVERY_ERROR.secretUnreadable, retryAfterMs: null };
  }
  return postWebhook({
    url: d.url ?? '',
    secret,
    msgId: d.id,
    payload: d.payload,
    now: opts.now(),
    policy: currentAddressPolicy(),
    resolve: opts.resolveHost,
    timeoutMs: opts.timeoutMs,
  });
}

function auditOutcome(
  tx: Sql,
  row: FinishedDelivery,
  action: string,
  outcome: AuditOutcome,
  deliveryId: string,
  record: AttemptRecord,
  requestId: string | null | undefined,
): Promise<void> {
  return recordAuditEvent(tx, {
    userId: row.user_id,
    connectionId: row.connection_id,
    actor: 'system',
    action,
    outcome,
    detail: { deliveryId, type: row.event_type, attempts: row.attempts, statusCode: record.statusCode, error: record.error },
    requestId,
  });
}

/** Runs `fn` over `items` with at most `size` in flight; results keep the input order. */
async function runPool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
