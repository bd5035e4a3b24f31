import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { listSyncHistory } from '@/lib/insights/status';
import { respond } from '@/lib/http/respond';
import { connectionIdParams, syncHistoryQuery, syncHistorySchema } from '@/lib/api-schemas/analytics';

export const dynamic = 'force-dynamic';

/** A connection's sync runs, newest first: `?limit=20&after=<the previous page's next>`. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ connectionId: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const id = connectionIdParams.safeParse(await ctx.params);
  if (!id.success) return errorResponse('not_found', 'No such connection.', session.requestId);
  const q = syncHistoryQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) return errorResponse('bad_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), session.requestId);
  const history = await listSyncHistory(await getDb(), { userId: session.user.id, connectionId: id.data.connectionId, ...q.data });
  return respond(syncHistorySchema, history, { headers: { 'cache-control': 'no-store' } });
}
