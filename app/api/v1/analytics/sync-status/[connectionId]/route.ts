import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { describeSyncStatus } from '@/lib/insights/status';
import { respond } from '@/lib/http/respond';
import { connectionIdParams, syncStatusSchema } from '@/lib/api-schemas/analytics';

export const dynamic = 'force-dynamic';

/** One connection's sync targets and their state. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ connectionId: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const id = connectionIdParams.safeParse(await ctx.params);
  if (!id.success) return errorResponse('not_found', 'No such connection.', session.requestId);
  const status = await describeSyncStatus(await getDb(), { userId: session.user.id, connectionId: id.data.connectionId });
  if (status.targets.length === 0) return errorResponse('not_found', 'No sync targets for this connection (yet).', session.requestId);
  return respond(syncStatusSchema, status, { headers: { 'cache-control': 'no-store' } });
}
