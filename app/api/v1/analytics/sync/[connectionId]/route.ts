import type { NextRequest } from 'next/server';
import { afterResponse } from '@/lib/http/after-response';
import { publicOrigin } from '@/lib/connections/origin';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { queueSyncNow } from '@/lib/insights/queue';
import { advanceInsightsNow } from '@/lib/insights/sweep';
import { respond } from '@/lib/http/respond';
import { backfillSchema, connectionIdParams, syncQueuedSchema, syncRunningSchema } from '@/lib/api-schemas/analytics';

export const dynamic = 'force-dynamic';

/** Sync now (optional `{ "from", "to" }` backfill): 202 with the queued runs, 409 with the one already running. */
export async function POST(req: NextRequest, ctx: { params: Promise<{ connectionId: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const env = getEnv();
  if (!env.insights.enabled) return errorResponse('not_configured', 'Campaign insights are turned off (INSIGHTS=off).', requestId);
  const id = connectionIdParams.safeParse(await ctx.params);
  if (!id.success) return errorResponse('not_found', 'No such connection.', requestId);
  const text = await req.text();
  let body: unknown = undefined;
  try {
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    return errorResponse('bad_request', 'The body must be JSON: {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} or empty.', requestId);
  }
  const range = body === undefined ? undefined : backfillSchema.safeParse(body);
  if (range && !range.success) return errorResponse('bad_request', range.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), requestId);
  const db = await getDb();
  const result = await queueSyncNow(db, env.insights, { userId: user.id, connectionId: id.data.connectionId, range: range?.data, requestId });
  if (result.kind === 'no_targets') return errorResponse('not_found', 'This connection has no ad accounts to sync.', requestId);
  if (result.kind === 'out_of_range') return errorResponse('bad_request', result.message, requestId);
  if (result.kind === 'running') {
    return respond(
      syncRunningSchema,
      { error: { code: 'conflict', message: 'A sync of this connection is already running.', ...(requestId ? { requestId } : {}) }, runId: result.runId },
      { status: 409 },
    );
  }
  // Start now rather than at the next sweep; leases keep it from colliding with one.
  const origin = publicOrigin(env, req);
  afterResponse(() => advanceInsightsNow(db, env, origin));
  return respond(syncQueuedSchema, { runIds: result.runIds }, { status: 202 });
}
