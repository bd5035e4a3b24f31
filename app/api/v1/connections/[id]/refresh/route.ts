import type { NextRequest } from 'next/server';
import { publicOrigin } from '@/lib/connections/origin';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { refreshNow } from '@/lib/refresh/refresh-now';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { connectionIdParams } from '@/lib/api-schemas/common';
import { refreshNowResultSchema } from '@/lib/api-schemas/connections';

export const dynamic = 'force-dynamic';

/** Refresh now, with the same lease rules as the sweep. */
async function refreshConnectionNow(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const id = connectionIdParams.safeParse(await ctx.params);
  if (!id.success) return errorResponse('not_found', 'No such connection.', requestId);
  const env = getEnv();
  const result = await refreshNow({ db: await getDb(), env, userId: user.id, connectionId: id.data.id, origin: publicOrigin(env, req), requestId });
  if (result.kind === 'not_found') return errorResponse('not_found', 'No such connection.', requestId);
  return respond(refreshNowResultSchema, result, { status: result.ok ? 200 : 409 });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ POST: refreshConnectionNow });
