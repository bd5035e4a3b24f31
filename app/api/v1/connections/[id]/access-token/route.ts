import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { authenticateApiKey } from '@/lib/api-keys/authenticate';
import { publicOrigin } from '@/lib/connections/origin';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { getTokenReadAudit } from '@/lib/refresh/token-read-audit';
import { getFreshAccessToken, TokenUnavailable } from '@/lib/refresh/fresh-token';

export const dynamic = 'force-dynamic';

const connectionId = z.uuid();

/** For the user's sync jobs: a valid access token, refreshed just in time. Never the refresh token. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const db = await getDb();
  const key = await authenticateApiKey(db, req.headers.get('authorization'));
  if (!key) return errorResponse('unauthenticated', 'A valid API key is required: Authorization: Bearer gk_…', requestId);
  const id = connectionId.safeParse((await ctx.params).id);
  // An unknown id and another user's connection look the same: no existence leak.
  if (!id.success) return errorResponse('not_found', 'No such connection.', requestId);
  const env = getEnv();
  const actor = `api_key:${key.prefix}`;
  const audit = (outcome: 'success' | 'denied', detail: Record<string, unknown>) =>
    getTokenReadAudit().record(
      { userId: key.userId, connectionId: outcome === 'success' ? id.data : null, actor, action: 'token.read', outcome, detail, requestId },
      key.keyId,
    );
  try {
    const token = await getFreshAccessToken({ db, env, userId: key.userId, connectionId: id.data, actor, origin: publicOrigin(env, req), requestId });
    audit('success', { expiresAt: token.expiresAt.toISOString(), refreshed: token.outcome?.kind === 'refreshed' });
    return NextResponse.json(
      { access_token: token.accessToken, token_type: token.tokenType, expires_at: token.expiresAt.toISOString() },
      { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } },
    );
  } catch (err) {
    if (!(err instanceof TokenUnavailable)) throw err;
    audit('denied', { connection: id.data, reason: err.code });
    const res = errorResponse(err.code, err.message, requestId);
    if (err.retryAfterSec) res.headers.set('retry-after', String(err.retryAfterSec));
    return res;
  }
}
