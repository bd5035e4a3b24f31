import { NextResponse, type NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { AppError, errorResponse } from '@/lib/http/errors';
import { getSessionUser } from '@/lib/auth/session';
import { sessionRoute } from '@/lib/http/session-route';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { deleteWebhookEndpoint, getWebhookEndpoint, saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { saveWebhookEndpointBody, savedWebhookEndpointSchema, webhookEndpointSchema } from '@/lib/api-schemas/account';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

/** The user's webhook endpoint (URL and dates; the secret is only ever shown when it is made). */
async function getEndpoint(req: NextRequest) {
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.', req.headers.get(REQUEST_ID_HEADER));
  return respond(webhookEndpointSchema, { endpoint: await getWebhookEndpoint(await getDb(), user.id) }, { headers: NO_STORE });
}

/** Creates or replaces the endpoint; the `whsec_` secret comes back once, on creation or rotation. */
async function saveEndpoint(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const input = saveWebhookEndpointBody.safeParse(await req.json().catch(() => null));
  if (!input.success) return errorResponse('bad_request', 'Send {"url": "https://…", "rotateSecret"?: true}.', requestId);
  try {
    const { secret, created, ...endpoint } = await saveWebhookEndpoint(await getDb(), { userId: user.id, ...input.data, requestId });
    return respond(savedWebhookEndpointSchema, { endpoint, ...(secret ? { secret } : {}) }, { status: created ? 201 : 200, headers: NO_STORE });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
    throw err;
  }
}

async function deleteEndpoint(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  try {
    await deleteWebhookEndpoint(await getDb(), { userId: user.id, requestId });
    return new NextResponse(null, { status: 204 });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
    throw err;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getEndpoint, PUT: saveEndpoint, DELETE: deleteEndpoint });
