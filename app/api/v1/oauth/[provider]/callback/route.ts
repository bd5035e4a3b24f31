import type { NextRequest } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { completeAuthorization } from '@/lib/connections/callback';
import { publicOrigin } from '@/lib/connections/origin';
import { FlowError } from '@/lib/connections/outcomes';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { redirectWithOutcome } from '@/lib/http/redirects';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { requestLogger } from '@/lib/log';
import { providerParams } from '@/lib/api-schemas/connections';
import { clientIp } from '@/lib/rate-limit/client-ip';
import { limitRequest } from '@/lib/rate-limit/enforce';
import { apiRoute } from '@/lib/http/handle-route';
import { searchParamsAreSafe } from '@/lib/http/safe-text';

export const dynamic = 'force-dynamic';

/** Where the provider sends the browser back: state checked and consumed, code exchanged, stored. */
async function completeConnect(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const provider = providerParams.shape.provider.safeParse((await ctx.params).provider);
  if (!provider.success) return errorResponse('not_found', 'Unknown provider.', requestId);
  // Garbage (NUL, control characters) is refused before the state is looked at, let alone consumed.
  if (!searchParamsAreSafe(req.nextUrl.searchParams)) return errorResponse('bad_request', 'The callback parameters are malformed.', requestId);
  const env = getEnv();
  const origin = publicOrigin(env, req);
  const db = await getDb();
  const ip = clientIp(req.headers, env.rateLimits.trustProxy);
  const limited = await limitRequest(db, { settings: env.rateLimits, name: 'callback', subject: ip, requestId });
  if (limited) return limited;
  const user = await getSessionUser();

  try {
    const result = await completeAuthorization({
      db,
      env,
      provider: provider.data,
      sessionUserId: user?.id ?? null,
      query: req.nextUrl.searchParams,
      origin,
      requestId,
    });
    return redirectWithOutcome(origin, result.returnPath, result.outcome, {
      provider: provider.data,
      connection: result.connectionId,
      ...(result.region ? { region: result.region } : {}),
    });
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    requestLogger(requestId).warn(
      { outcome: err.outcome, reason: err.reason, provider: provider.data, clientIp: ip, signedIn: Boolean(user) },
      'oauth callback refused',
    );
    // A bad state has no trustworthy return path: show the error page.
    const page = err.outcome === 'invalid_state' || err.outcome === 'state_expired' ? '/oauth/error' : '/';
    return redirectWithOutcome(origin, page, err.outcome, { provider: provider.data });
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: completeConnect });
