'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { revokeApiKey } from '../api-keys/keys';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { AppError } from '../http/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { inActionContext } from './action-context';

export type RevokeApiKeyResult = { ok: true; message: string } | { ok: false; message: string };

/** Dashboard action: the same as DELETE /api/v1/api-keys/{id}. */
export async function revokeApiKeyAction(id: string): Promise<RevokeApiKeyResult> {
  return inActionContext(() => revokeApiKeyActionInContext(id));
}

async function revokeApiKeyActionInContext(id: string): Promise<RevokeApiKeyResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  if (typeof id !== 'string') return { ok: false, message: 'No such API key.' };
  try {
    const { prefix } = await revokeApiKey(await getDb(), {
      userId: user.id,
      id,
      requestId: (await headers()).get(REQUEST_ID_HEADER),
    });
    revalidatePath('/settings');
    return { ok: true, message: `API key gk_${prefix}_… revoked. Jobs using it are refused from now on (other servers within 30 seconds).` };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
