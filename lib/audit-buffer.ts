import 'server-only';
import type { Database } from './db';
import type { AuditEvent } from './db/audit';
import { recordAuditEvents } from './db/audit-batch';
import { getLogger } from './log';

/**
 * Token reads are audited in batches, at most FLUSH_MS late, so a read costs no extra round trip.
 * Each event keeps the time it happened. API keys' last use is written with the same flush.
 *
 * What a stop can lose: a graceful stop (SIGTERM/SIGINT) loses nothing — the batch is written
 * before the process exits (lib/shutdown.ts). A hard kill (kill -9, OOM, power)
 * loses the events of at most the last FLUSH_MS plus one write in flight.
 */
export interface AuditBuffer {
  record(event: AuditEvent, apiKeyId?: string): void;
  /** Writes everything recorded so far now. */
  flush(): Promise<void>;
  /** Resolves once everything recorded so far is written (by the next scheduled flush): no extra write. */
  settled(): Promise<void>;
}

export const FLUSH_MS = 250;
const MAX_BATCH = 1000;

export function createAuditBuffer(
  getDb: () => Promise<Database>,
  touchKeys: (db: Database, keyIds: string[]) => Promise<void>,
): AuditBuffer {
  let events: (AuditEvent & { at: Date })[] = [];
  let keys = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  /** Settles when the events recorded since the last flush are written. */
  let next: { promise: Promise<void>; resolve: () => void } | undefined;

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = events;
    const keyIds = [...keys];
    const waiting = next;
    events = [];
    keys = new Set();
    next = undefined;
    if (batch.length === 0 && keyIds.length === 0) return flushing;
    flushing = flushing.then(async () => {
      try {
        const db = await getDb();
        for (let i = 0; i < batch.length; i += MAX_BATCH) await recordAuditEvents(db, batch.slice(i, i + MAX_BATCH));
        if (keyIds.length > 0) await touchKeys(db, keyIds);
      } catch (err) {
        getLogger().error({ err, lost: batch.length }, 'could not write batched audit events');
      } finally {
        waiting?.resolve();
      }
    });
    return flushing;
  };

  return {
    record(event, apiKeyId) {
      events.push({ ...event, at: new Date() });
      if (apiKeyId) keys.add(apiKeyId);
      if (!next) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => (resolve = r));
        next = { promise, resolve };
      }
      if (events.length >= MAX_BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_MS);
    },
    flush,
    settled: () => next?.promise ?? flushing,
  };
}
