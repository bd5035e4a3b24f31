import 'server-only';
import { touchApiKeys } from '../api-keys/touch';
import { createAuditBuffer, type AuditBuffer } from '../audit-buffer';
import { getDb } from '../db';

const holder = globalThis as unknown as { grantkeeperTokenReadAudit?: AuditBuffer };

/**
 * The process-wide batch of token-read audit events and API key uses. A graceful stop writes it
 * last, after the refreshes in flight (lib/shutdown.ts, registered at start-up).
 */
export function getTokenReadAudit(): AuditBuffer {
  holder.grantkeeperTokenReadAudit ??= createAuditBuffer(getDb, touchApiKeys);
  return holder.grantkeeperTokenReadAudit;
}
