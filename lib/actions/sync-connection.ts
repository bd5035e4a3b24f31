'use server';

import { afterResponse } from '../http/after-response';
import { refresh } from 'next/cache';
import { headers } from 'next/headers';
import { z } from 'zod';
import { getSessionUser } from '../auth/session';
import { getDb } from '../db';
import { getEnv } from '../env';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { serverOrigin } from '../http/server-origin';
import { backfillSchema } from '../insights/query';
import { queueSyncNow } from '../insights/queue';
import { advanceInsightsNow } from '../insights/sweep';
import { inActionContext } from './action-context';

export type SyncActionResult = { ok: true; message: string; runIds: string[] } | { ok: false; message: string; runId?: string };

/** Dashboard "Sync now" (optionally a backfill range): the same as POST /api/v1/analytics/sync/{id}, in words. */
export async function syncConnectionAction(connectionId: string, range?: { from: string; to: string }): Promise<SyncActionResult> {
  return inActionContext(() => syncConnectionActionInContext(connectionId, range));
}

async function syncConnectionActionInContext(connectionId: string, range?: { from: string; to: string }): Promise<SyncActionResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: 'Sign in first.' };
  const id = z.uuid().safeParse(connectionId);
  const parsedRange = range === undefined ? undefined : backfillSchema.safeParse(range);
  if (!id.success) return { ok: false, message: 'No such connection.' };
  if (parsedRange && !parsedRange.success) return { ok: false, message: 'Choose a start day on or before the end day.' };
  const env = getEnv();
  if (!env.insights.enabled) return { ok: false, message: 'Campaign insights are turned off on this server.' };
  const db = await getDb();
  const result = await queueSyncNow(db, env.insights, {
    userId: user.id,
    connectionId: id.data,
    range: parsedRange?.data,
    requestId: (await headers()).get(REQUEST_ID_HEADER),
  });
  if (result.kind === 'no_targets') return { ok: false, message: 'This connection has no ad accounts to sync.' };
  if (result.kind === 'running') return { ok: false, message: 'A sync is already running.', runId: result.runId };
  if (result.kind === 'out_of_range') return { ok: false, message: result.message };
  const origin = await serverOrigin(env);
  afterResponse(() => advanceInsightsNow(db, env, origin));
  refresh();
  return { ok: true, message: `Syncing ${result.runIds.length} account${result.runIds.length === 1 ? '' : 's'}…`, runIds: result.runIds };
}
