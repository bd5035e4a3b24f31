import 'server-only';
import { asUser, type Database } from '../db';
import { listDeliveries } from '../db/notifications';
import { describeDeliveryError } from './delivery-errors';
import type { WebhookDelivery } from './types';

/** The user's most recent deliveries and their attempt history, newest first. */
export async function listWebhookDeliveries(db: Database, userId: string, limit = 50): Promise<WebhookDelivery[]> {
  const rows = await asUser(db, userId, (tx) => listDeliveries(tx, { userId, limit }));
  return rows.map((r) => ({
    id: r.id,
    connectionId: r.connection_id,
    type: r.event_type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    lastStatusCode: r.last_status_code,
    lastError: describeDeliveryError(r.last_error),
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    payload: r.payload,
  }));
}
