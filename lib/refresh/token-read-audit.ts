import 'server-only';
import os from 'node:os';
import { touchApiKeys } from '../api-keys/touch';
import { createAuditBuffer, type AuditBuffer } from '../audit-buffer';
import { getDb } from '../db';

const holder = globalThis as unknown as { grantkeeperTokenReadAudit?: AuditBuffer; grantkeeperAuditOnStop?: boolean };

/** The process-wide batch of token-read audit events and API key uses. */
export function getTokenReadAudit(): AuditBuffer {
  holder.grantkeeperTokenReadAudit ??= createAuditBuffer(getDb, touchApiKeys);
  return holder.grantkeeperTokenReadAudit;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Writes the last batch when the server is stopped; registered once, at start-up.
 *
 * `next start` has its own SIGTERM/SIGINT handler: it stops accepting connections, waits for open
 * requests and for their `after()` callbacks (the token route waits there for its batch, see
 * `settled()`), then exits 143/130. Ours runs beside it and only starts the write at once, so
 * Next's wait is short. Where nothing else handles the signal (NEXT_MANUAL_SIG_HANDLE, a custom
 * server), ours writes and then exits with the conventional code itself.
 */
export function flushTokenReadAuditOnStop(): void {
  if (holder.grantkeeperAuditOnStop) return;
  holder.grantkeeperAuditOnStop = true;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      const written = getTokenReadAudit().flush();
      if (process.listenerCount(signal) > 1) return;
      void written.finally(() => process.exit(128 + os.constants.signals[signal]));
    });
  }
}
