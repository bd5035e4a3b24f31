import { NextResponse, type NextRequest } from 'next/server';
import { startAuthorization } from '@/lib/connections/authorize';
import { publicOrigin, safeReturnPath } from '@/lib/connections/origin';
import { FlowError } from '@/lib/connections/outcomes';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { redirectWithOutcome } from '@/lib/http/redirects';
import { authorizeQuery, providerParams } from '@/lib/api-schemas/connections';
import { limitRequest } from '@/lib/rate-limit/enforce';
import { apiRoute } from '@/lib/http/handle-route';

export const dynamic = 'force-dynamic';

/** Starts a connect (or reconnect) and sends the browser to the provider. */
async function startConnect(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const env = getEnv();
  const origin = publicOrigin(env, req);
  const provider = providerParams.shape.provider.safeParse((await ctx.params).provider);
  const params = authorizeQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!provider.success) return errorResponse('not_found', 'Unknown provider.', requestId);
  if (!params.success) return redirectWithOutcome(origin, '/', 'bad_region', { provider: provider.data });
  const db = await getDb();
  const limited = await limitRequest(db, { settings: env.rateLimits, name: 'authorize', subject: user.id, requestId });
  if (limited) return limited;

  try {
    const url = await startAuthorization({
      db,
      env,
      userId: user.id,
      provider: provider.data,
      origin,
      region: params.data.region,
      connectionId: params.data.connection,
      returnPath: safeReturnPath(params.data.return),
      requestId,
    });
    return NextResponse.redirect(url, { status: 302, headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    if (err instanceof FlowError) return redirectWithOutcome(origin, '/', err.outcome, { provider: provider.data });
    throw err;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: startConnect });
