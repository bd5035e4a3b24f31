'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { createApiKey } from '../api-keys/keys';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { getEnv } from '../env';
import { AppError } from '../http/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { limitAction } from '../rate-limit/enforce';
import { inActionContext } from './action-context';

export type CreateApiKeyResult =
  | { ok: true; message: string; id: string; name: string; prefix: string; key: string }
  | { ok: false; message: string; rateLimited?: boolean };

/** Dashboard action: the same as POST /api/v1/api-keys. The key is in this result only. */
export async function createApiKeyAction(name: string): Promise<CreateApiKeyResult> {
  return inActionContext(() => createApiKeyActionInContext(name));
}

async function createApiKeyActionInContext(name: string): Promise<CreateApiKeyResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  if (typeof name !== 'string') return { ok: false, message: 'Give the key a name.' };
  const db = await getDb();
  const requestId = (await headers()).get(REQUEST_ID_HEADER);
  const limited = await limitAction(db, { settings: getEnv().rateLimits, name: 'api_key_create', subject: user.id, requestId });
  if (limited) return { ok: false, message: limited, rateLimited: true };
  try {
    const created = await createApiKey(db, { userId: user.id, name, requestId });
    revalidatePath('/settings');
    return {
      ok: true,
      message: 'API key created. Copy it now: it is not shown again.',
      id: created.id,
      name: created.name,
      prefix: created.prefix,
      key: created.key,
    };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
