import type { NextRequest } from 'next/server';
import { createApiKey, listApiKeys } from '@/lib/api-keys/keys';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { AppError, errorResponse } from '@/lib/http/errors';
import { getSessionUser } from '@/lib/auth/session';
import { sessionRoute } from '@/lib/http/session-route';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { limitRequest } from '@/lib/rate-limit/enforce';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { apiKeyListSchema, createApiKeyBody, createdApiKeySchema } from '@/lib/api-schemas/account';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

/** The user's live API keys: name, public prefix, dates. Never a key or its hash. */
async function listKeys(req: NextRequest) {
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.', req.headers.get(REQUEST_ID_HEADER));
  return respond(apiKeyListSchema, { apiKeys: await listApiKeys(await getDb(), user.id) }, { headers: NO_STORE });
}

/** Creates a key; the whole key is in this response and nowhere else, ever. */
async function createKey(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const db = await getDb();
  const limited = await limitRequest(db, { settings: getEnv().rateLimits, name: 'api_key_create', subject: user.id, requestId });
  if (limited) return limited;
  const input = createApiKeyBody.safeParse(await req.json().catch(() => null));
  if (!input.success) return errorResponse('bad_request', 'Send {"name": "…"} (1 to 100 characters).', requestId);
  try {
    const created = await createApiKey(db, { userId: user.id, name: input.data.name, requestId });
    return respond(createdApiKeySchema, created, { status: 201, headers: NO_STORE });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
    throw err;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: listKeys, POST: createKey });
