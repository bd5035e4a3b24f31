'use server';

import { refresh } from 'next/cache';
import { headers } from 'next/headers';
import { z } from 'zod';
import { getSessionUser } from '../auth/session';
import { setConnectionListed } from '../connections/list-visibility';
import { getDb } from '../db';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { inActionContext } from './action-context';

export type ListedActionResult = { ok: true; message: string } | { ok: false; message: string };

const input = z.object({ connectionId: z.uuid(), listed: z.boolean() });

/** Dashboard action: remove a revoked connection from the list (its history stays), or list it again. */
export async function setConnectionListedAction(connectionId: string, listed: boolean): Promise<ListedActionResult> {
  return inActionContext(() => setConnectionListedActionInContext(connectionId, listed));
}

async function setConnectionListedActionInContext(connectionId: string, listed: boolean): Promise<ListedActionResult> {
  const parsed = input.safeParse({ connectionId, listed });
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  if (!parsed.success) return { ok: false, message: 'That connection does not exist.' };
  const changed = await setConnectionListed({
    db: await getDb(),
    userId: user.id,
    connectionId: parsed.data.connectionId,
    listed: parsed.data.listed,
    requestId: (await headers()).get(REQUEST_ID_HEADER),
  });
  refresh();
  if (!changed) {
    return { ok: false, message: listed ? 'That connection does not exist.' : 'Only a disconnected connection can be removed.' };
  }
  return {
    ok: true,
    message: listed ? 'Listed again.' : 'Removed from the list. Its audit history stays; “Show removed” lists it again.',
  };
}
