'use server';

import { refresh } from 'next/cache';
import { headers } from 'next/headers';
import { z } from 'zod';
import { getSessionUser } from '../auth/session';
import { OUTCOMES } from '../connections/outcomes';
import { getDb } from '../db';
import { getEnv } from '../env';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { serverOrigin } from '../http/server-origin';
import { refreshNow } from '../refresh/refresh-now';
import { inActionContext } from './action-context';

export type RefreshActionResult =
  | { ok: true; message: string; expiresAt: string }
  | { ok: false; message: string; needsReconnect: boolean };

/** Dashboard action: the same Refresh now as POST /api/v1/connections/{id}/refresh, in words. */
export async function refreshConnectionAction(connectionId: string): Promise<RefreshActionResult> {
  return inActionContext(() => refreshConnectionActionInContext(connectionId));
}

async function refreshConnectionActionInContext(connectionId: string): Promise<RefreshActionResult> {
  const id = z.uuid().safeParse(connectionId);
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.', needsReconnect: false };
  if (!id.success) return { ok: false, message: OUTCOMES.not_found.message, needsReconnect: false };
  const env = getEnv();
  const result = await refreshNow({
    db: await getDb(),
    env,
    userId: user.id,
    connectionId: id.data,
    origin: await serverOrigin(env),
    requestId: (await headers()).get(REQUEST_ID_HEADER),
  });
  // Whatever happened changed the row or its history: re-render the page the user is on.
  refresh();
  if (result.kind === 'not_found') return { ok: false, message: OUTCOMES.not_found.message, needsReconnect: false };
  if (result.ok) return { ok: true, message: result.message, expiresAt: result.expiresAt };
  return { ok: false, message: result.message, needsReconnect: result.kind === 'needs_reauth' };
}
