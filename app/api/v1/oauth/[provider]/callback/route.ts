import type { NextRequest } from 'next/server';
import { z } from 'zod';
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
import { PROVIDER_SLUGS } from '@/lib/providers/types';

export const dynamic = 'force-dynamic';

/** Where the provider sends the browser back: state checked and consumed, code exchanged, stored. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const provider = z.enum(PROVIDER_SLUGS).safeParse((await ctx.params).provider);
  if (!provider.success) return errorResponse('not_found', 'Unknown provider.', requestId);
  const env = getEnv();
  const origin = publicOrigin(env, req);
  const user = await getSessionUser();

  try {
    const result = await completeAuthorization({
      db: await getDb(),
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
    });
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    requestLogger(requestId).warn({ outcome: err.outcome, reason: err.reason, provider: provider.data }, 'oauth callback refused');
    // A bad state has no trustworthy return path: show the error page.
    const page = err.outcome === 'invalid_state' || err.outcome === 'state_expired' ? '/oauth/error' : '/';
    return redirectWithOutcome(origin, page, err.outcome, { provider: provider.data });
  }
}
