import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { sessionRoute } from '@/lib/http/session-route';
import { describeSyncStatusPage } from '@/lib/insights/status';
import { respond } from '@/lib/http/respond';
import { syncStatusPageSchema, syncStatusQuery } from '@/lib/api-schemas/analytics';

export const dynamic = 'force-dynamic';

/** The signed-in user's sync targets a page at a time (`?limit=&cursor=`, `&connection_id=` for some connections): state, last success, next run, progress, 7-day counts. */
async function getSyncStatus(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const q = syncStatusQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) return errorResponse('bad_request', q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '), session.requestId);
  const { connection_id: connectionIds, ...page } = q.data;
  const status = await describeSyncStatusPage(await getDb(), { userId: session.user.id, ...page, connectionIds });
  return respond(syncStatusPageSchema, status, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getSyncStatus });
