'use server';

import { headers } from 'next/headers';
import { refresh, revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getSessionUser } from '../auth/session';
import { disconnectConnection } from '../connections/disconnect';
import { FlowError, OUTCOMES } from '../connections/outcomes';
import { getDb } from '../db';
import { getEnv } from '../env';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { serverOrigin } from '../http/server-origin';
import { inActionContext } from './action-context';

export type DisconnectActionResult =
  | { ok: true; message: string; manualStep?: string }
  | { ok: false; message: string };

/** Dashboard action: the same disconnect as DELETE /api/v1/connections/{id}. */
export async function disconnectConnectionAction(connectionId: string): Promise<DisconnectActionResult> {
  return inActionContext(() => disconnectConnectionActionInContext(connectionId));
}

async function disconnectConnectionActionInContext(connectionId: string): Promise<DisconnectActionResult> {
  const id = z.uuid().safeParse(connectionId);
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  if (!id.success) return { ok: false, message: OUTCOMES.not_found.message };
  const env = getEnv();
  try {
    const result = await disconnectConnection({
      db: await getDb(),
      env,
      userId: user.id,
      connectionId: id.data,
      origin: await serverOrigin(env),
      requestId: (await headers()).get(REQUEST_ID_HEADER),
    });
    revalidatePath('/');
    // Also the page the user is on, which may be the connection's own page.
    refresh();
    if (result.alreadyRevoked) return { ok: true, message: 'Already disconnected.' };
    if (result.providerError) {
      return {
        ok: true,
        message: `Disconnected here; the provider did not confirm the revocation (${result.providerError}). Tokens were erased.`,
      };
    }
    return {
      ok: true,
      message: result.revokedAtProvider ? 'Disconnected and revoked at the provider.' : 'Disconnected. Tokens were erased.',
      manualStep: result.manualStep,
    };
  } catch (err) {
    if (err instanceof FlowError) return { ok: false, message: OUTCOMES[err.outcome].message };
    throw err;
  }
}
