'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { getEnv } from '../env';
import { AppError } from '../http/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { sendTestNotification } from '../notifications/test-event';
import { limitAction } from '../rate-limit/enforce';
import { inActionContext } from './action-context';

/** rateLimited: shown as a toast rather than as the endpoint's answer. */
export type SendTestNotificationResult = { ok: boolean; message: string; rateLimited?: boolean };

/** Dashboard action: the same as POST /api/v1/notifications/test, with the outcome in words. */
export async function sendTestNotificationAction(): Promise<SendTestNotificationResult> {
  return inActionContext(() => sendTestNotificationActionInContext());
}

async function sendTestNotificationActionInContext(): Promise<SendTestNotificationResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  const db = await getDb();
  const requestId = (await headers()).get(REQUEST_ID_HEADER);
  const limited = await limitAction(db, { settings: getEnv().rateLimits, name: 'test_event', subject: user.id, requestId });
  if (limited) return { ok: false, message: limited, rateLimited: true };
  try {
    const result = await sendTestNotification(db, { userId: user.id, requestId });
    revalidatePath('/settings');
    if (result.status === 'delivered') return { ok: true, message: `Test event delivered (HTTP ${result.statusCode}).` };
    if (result.status === 'queued') return { ok: true, message: 'Test event queued; it is being delivered.' };
    // One of a few fixed sentences (delivery-errors.ts): never the receiver's body or a socket error.
    const why = result.error ?? 'No answer';
    return result.status === 'retrying'
      ? { ok: false, message: `Test event not delivered. ${why}. It will be retried.` }
      : { ok: false, message: `Test event not delivered. ${why}.` };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
