'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { createApiKey } from '../api-keys/keys';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { AppError } from '../http/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';

export type CreateApiKeyResult =
  | { ok: true; message: string; id: string; name: string; prefix: string; key: string }
  | { ok: false; message: string };

/** Dashboard action: the same as POST /api/v1/api-keys. The key is in this result only. */
export async function createApiKeyAction(name: string): Promise<CreateApiKeyResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  if (typeof name !== 'string') return { ok: false, message: 'Give the key a name.' };
  try {
    const created = await createApiKey(await getDb(), {
      userId: user.id,
      name,
      requestId: (await headers()).get(REQUEST_ID_HEADER),
    });
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
