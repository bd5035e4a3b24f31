import type { NextRequest } from 'next/server';
import { platformParams, platformQuery, platformRefreshSchema } from '@/lib/api-schemas/compat';
import { publicOrigin } from '@/lib/connections/origin';
import { refreshPlatform, resolvePlatform } from '@/lib/connections/prototype-compat';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';

export const dynamic = 'force-dynamic';

/** The prototype's "refresh this platform": every live connection of it, or `?connection=`. Deprecated for /connections/{id}/refresh. */
async function refreshPlatformNow(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const params = platformParams.safeParse(await ctx.params);
  const provider = params.success ? resolvePlatform(params.data.provider) : null;
  if (!provider) return errorResponse('not_found', 'Unknown platform.', requestId);
  const query = platformQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!query.success) return errorResponse('bad_request', 'connection must be a connection id.', requestId);
  const env = getEnv();
  const results = await refreshPlatform({
    db: await getDb(),
    env,
    userId: user.id,
    provider,
    connectionId: query.data.connection,
    origin: publicOrigin(env, req),
    requestId,
  });
  if (results.length === 0) return errorResponse('not_found', `No live ${provider} connection.`, requestId);
  const ok = results.every((r) => r.ok);
  return respond(platformRefreshSchema, { provider, ok, results }, { status: ok ? 200 : 409, headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ POST: refreshPlatformNow });
