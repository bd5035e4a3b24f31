import 'server-only';
import type { Database } from './db';
import type { AuditEvent } from './db/audit';
import { recordAuditEvents } from './db/audit-batch';
import { getLogger } from './log';

/**
 * Token reads are audited in batches, at most a second late, so a read costs no extra round trip.
 * Each event keeps the time it happened. API keys' last use is written with the same flush.
 */
export interface AuditBuffer {
  record(event: AuditEvent, apiKeyId?: string): void;
  flush(): Promise<void>;
}

const FLUSH_MS = 1000;
const MAX_BATCH = 1000;

export function createAuditBuffer(
  getDb: () => Promise<Database>,
  touchKeys: (db: Database, keyIds: string[]) => Promise<void>,
): AuditBuffer {
  let events: (AuditEvent & { at: Date })[] = [];
  let keys = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = events;
    const keyIds = [...keys];
    events = [];
    keys = new Set();
    if (batch.length === 0 && keyIds.length === 0) return flushing;
    flushing = flushing.then(async () => {
      try {
        const db = await getDb();
        for (let i = 0; i < batch.length; i += MAX_BATCH) await recordAuditEvents(db, batch.slice(i, i + MAX_BATCH));
        if (keyIds.length > 0) await touchKeys(db, keyIds);
      } catch (err) {
        getLogger().error({ err, lost: batch.length }, 'could not write batched audit events');
      }
    });
    return flushing;
  };

  return {
    record(event, apiKeyId) {
      events.push({ ...event, at: new Date() });
      if (apiKeyId) keys.add(apiKeyId);
      if (events.length >= MAX_BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_MS);
    },
    flush,
  };
}
