import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { listSyncHistory } from '@/lib/insights/status';

export const dynamic = 'force-dynamic';

const query = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), after: z.uuid().optional() }).strict();

/** A connection's sync runs, newest first: `?limit=20&after=<the previous page's next>`. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ connectionId: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const id = z.uuid().safeParse((await ctx.params).connectionId);
  if (!id.success) return errorResponse('not_found', 'No such connection.', session.requestId);
  const q = query.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) return errorResponse('bad_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), session.requestId);
  const history = await listSyncHistory(await getDb(), { userId: session.user.id, connectionId: id.data, ...q.data });
  return NextResponse.json(history, { headers: { 'cache-control': 'no-store' } });
}
