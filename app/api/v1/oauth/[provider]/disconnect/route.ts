import type { NextRequest } from 'next/server';
import { platformDisconnectSchema, platformParams, platformQuery } from '@/lib/api-schemas/compat';
import { publicOrigin } from '@/lib/connections/origin';
import { disconnectPlatform, resolvePlatform } from '@/lib/connections/prototype-compat';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';

export const dynamic = 'force-dynamic';

/** The prototype's "disconnect this platform": every live connection of it, or `?connection=`. Deprecated for DELETE /connections/{id}. */
async function disconnectPlatformNow(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const params = platformParams.safeParse(await ctx.params);
  const provider = params.success ? resolvePlatform(params.data.provider) : null;
  if (!provider) return errorResponse('not_found', 'Unknown platform.', requestId);
  const query = platformQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!query.success) return errorResponse('bad_request', 'connection must be a connection id.', requestId);
  const env = getEnv();
  const results = await disconnectPlatform({
    db: await getDb(),
    env,
    userId: user.id,
    provider,
    connectionId: query.data.connection,
    origin: publicOrigin(env, req),
    requestId,
  });
  if (results.length === 0) return errorResponse('not_found', `No live ${provider} connection.`, requestId);
  return respond(platformDisconnectSchema, { provider, results }, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ DELETE: disconnectPlatformNow });
