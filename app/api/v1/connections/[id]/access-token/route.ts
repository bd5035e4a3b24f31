import type { NextRequest } from 'next/server';
import { afterResponse } from '@/lib/http/after-response';
import { publicOrigin } from '@/lib/connections/origin';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiKeyRoute } from '@/lib/http/api-key-route';
import { errorResponse } from '@/lib/http/errors';
import { getTokenReadAudit } from '@/lib/refresh/token-read-audit';
import { getFreshAccessToken, prefetchTokenRow, TokenUnavailable } from '@/lib/refresh/fresh-token';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { connectionIdParams } from '@/lib/api-schemas/common';
import { accessTokenSchema } from '@/lib/api-schemas/connections';
import { timedTokenApi } from '@/lib/metrics/record';

export const dynamic = 'force-dynamic';

/** For the user's sync jobs: a valid access token, refreshed just in time. Never the refresh token. */
async function getAccessToken(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const db = await getDb();
  const env = getEnv();
  const params = connectionIdParams.safeParse(await ctx.params);
  const connectionId = params.success ? params.data.id : null;
  // The row is read alongside the rate-limit hit (one round trip for both), used only if allowed.
  const auth = await apiKeyRoute(req, db, env, connectionId ? (k) => prefetchTokenRow(db, { userId: k.userId, connectionId }) : undefined);
  if (auth.response) return auth.response;
  const { key, requestId } = auth;
  // An unknown id and another user's connection look the same: no existence leak.
  if (!connectionId) return errorResponse('not_found', 'No such connection.', requestId);
  const actor = `api_key:${key.prefix}`;
  const audit = (outcome: 'success' | 'denied', detail: Record<string, unknown>) => {
    const buffer = getTokenReadAudit();
    buffer.record(
      { userId: key.userId, connectionId: outcome === 'success' ? connectionId : null, actor, action: 'token.read', outcome, detail, requestId },
      key.keyId,
    );
    // The response does not wait for the batched write, but the server does: `next start` holds
    // its shutdown and Vercel the function instance until the event is stored.
    afterResponse(() => buffer.settled());
  };
  try {
    const token = await getFreshAccessToken({
      db,
      env,
      userId: key.userId,
      connectionId,
      actor,
      origin: publicOrigin(env, req),
      requestId,
      firstRead: auth.alongside,
    });
    audit('success', { expiresAt: token.expiresAt.toISOString(), refreshed: token.outcome?.kind === 'refreshed' });
    // The RateLimit fields are added by apiRoute, on this answer and on every error (request-quota.ts).
    return respond(
      accessTokenSchema,
      { access_token: token.accessToken, token_type: token.tokenType, expires_at: token.expiresAt },
      { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } },
    );
  } catch (err) {
    if (!(err instanceof TokenUnavailable)) throw err;
    audit('denied', { connection: connectionId, reason: err.code });
    const res = errorResponse(err.code, err.message, requestId);
    if (err.retryAfterSec) res.headers.set('retry-after', String(err.retryAfterSec));
    return res;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: timedTokenApi(getAccessToken) });
