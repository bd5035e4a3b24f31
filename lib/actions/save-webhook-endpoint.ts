'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { AppError } from '../http/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { saveWebhookEndpoint } from '../notifications/endpoint';
import { inActionContext } from './action-context';

export type SaveWebhookEndpointResult =
  | { ok: true; message: string; url: string; secret?: string }
  | { ok: false; message: string };

const input = z.object({ url: z.string(), rotateSecret: z.boolean().optional() });

/** Dashboard action: the same as PUT /api/v1/notifications/endpoint. The secret is shown once. */
export async function saveWebhookEndpointAction(raw: { url: string; rotateSecret?: boolean }): Promise<SaveWebhookEndpointResult> {
  return inActionContext(() => saveWebhookEndpointActionInContext(raw));
}

async function saveWebhookEndpointActionInContext(raw: { url: string; rotateSecret?: boolean }): Promise<SaveWebhookEndpointResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, message: 'Enter a URL.' };
  try {
    const saved = await saveWebhookEndpoint(await getDb(), {
      userId: user.id,
      ...parsed.data,
      requestId: (await headers()).get(REQUEST_ID_HEADER),
    });
    revalidatePath('/settings');
    const message = saved.created
      ? 'Webhook endpoint saved. Copy the signing secret now: it is not shown again.'
      : saved.secret
        ? 'Signing secret rotated. Copy it now: it is not shown again.'
        : 'Webhook URL updated. The signing secret is unchanged.';
    return { ok: true, message, url: saved.url, ...(saved.secret ? { secret: saved.secret } : {}) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
