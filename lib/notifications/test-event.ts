import 'server-only';
import crypto from 'node:crypto';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { insertNotification } from '../db/notifications';
import { AppError } from '../http/errors';
import { deliverNotificationNow, type DeliveryOutcome } from './deliver';
import type { HostResolver } from './webhook-target';

export type TestNotificationResult = DeliveryOutcome | { deliveryId: string; status: 'queued' };

/**
 * "Send a test event": queued like any event (so it shows in the history and is retried like the
 * real ones), then delivered at once so the user sees the receiver's answer right away.
 */
export async function sendTestNotification(
  db: Database,
  input: { userId: string; requestId?: string | null; resolveHost?: HostResolver },
): Promise<TestNotificationResult> {
  const { userId } = input;
  const deliveryId = await asUser(db, userId, async (tx) => {
    const id = await insertNotification(tx, {
      userId,
      type: 'test',
      data: { message: 'A test event from Grantkeeper. Your endpoint receives and verifies signed events.' },
    });
    if (id) {
      await recordAuditEvent(tx, {
        userId,
        actor: 'user',
        action: 'notification.test_sent',
        outcome: 'info',
        detail: { deliveryId: id },
        requestId: input.requestId,
      });
    }
    return id;
  });
  if (!deliveryId) throw new AppError('not_found', 'Set a webhook URL first.');
  const outcome = await deliverNotificationNow(db, deliveryId, {
    owner: `test:${crypto.randomUUID()}`,
    resolveHost: input.resolveHost,
    requestId: input.requestId,
  });
  // null: a concurrent sweep claimed it between the insert and here; it delivers it instead.
  return outcome ?? { deliveryId, status: 'queued' };
}
