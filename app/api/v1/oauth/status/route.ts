import type { NextRequest } from 'next/server';
import { readConnectionPage } from '@/lib/connections/page';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';
import { connectionStatusListSchema, connectionStatusQuery } from '@/lib/api-schemas/connections';

export const dynamic = 'force-dynamic';

/** The signed-in user's connections and their health, a page at a time (`?limit=&cursor=`). Never a token. */
async function getConnectionStatus(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const q = connectionStatusQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) return errorResponse('bad_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), session.requestId);
  const { removed, ...query } = q.data;
  const page = await readConnectionPage(await getDb(), session.user.id, { ...query, listedOnly: removed === 'exclude' });
  return respond(
    connectionStatusListSchema,
    { connections: page.connections, next_cursor: page.nextCursor, prev_cursor: page.prevCursor },
    { headers: { 'cache-control': 'no-store' } },
  );
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getConnectionStatus });
