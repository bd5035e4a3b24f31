'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { AppError } from '../http/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { deleteWebhookEndpoint } from '../notifications/endpoint';
import { inActionContext } from './action-context';

export type DeleteWebhookEndpointResult = { ok: true; message: string } | { ok: false; message: string };

/** Dashboard action: the same as DELETE /api/v1/notifications/endpoint. */
export async function deleteWebhookEndpointAction(): Promise<DeleteWebhookEndpointResult> {
  return inActionContext(() => deleteWebhookEndpointActionInContext());
}

async function deleteWebhookEndpointActionInContext(): Promise<DeleteWebhookEndpointResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  try {
    await deleteWebhookEndpoint(await getDb(), { userId: user.id, requestId: (await headers()).get(REQUEST_ID_HEADER) });
    revalidatePath('/settings');
    return { ok: true, message: 'Webhook endpoint removed. No more events will be sent.' };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
