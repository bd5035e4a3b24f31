import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { requestLogger } from '@/lib/log';
import { clientIp } from '@/lib/rate-limit/client-ip';
import { limitRequest } from '@/lib/rate-limit/enforce';
import { handleClerkWebhook } from '@/lib/webhooks/clerk';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { clerkWebhookResultSchema } from '@/lib/api-schemas/system';

export const dynamic = 'force-dynamic';

async function receiveClerkWebhook(req: NextRequest) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const { auth, rateLimits } = getEnv();
  if (auth.mode !== 'clerk' || !auth.webhookSecret) {
    return errorResponse('not_configured', 'Set CLERK_WEBHOOK_SIGNING_SECRET to receive Clerk webhooks.', requestId);
  }
  const db = await getDb();
  const ip = clientIp(req.headers, rateLimits.trustProxy);
  const limited = await limitRequest(db, { settings: rateLimits, name: 'clerk_webhook', subject: ip, requestId });
  if (limited) return limited;
  const body = await req.text();
  if (body.length > 256 * 1024) return errorResponse('bad_request', 'Payload too large.', requestId);
  const result = await handleClerkWebhook(db, auth.webhookSecret, body, req.headers, requestId ?? undefined);
  const log = requestLogger(requestId);
  if (!result.ok) {
    log.warn({ errorCode: result.code }, 'clerk webhook rejected');
    return errorResponse(result.code, result.message, requestId);
  }
  log.info({ handled: result.handled }, 'clerk webhook handled');
  return respond(clerkWebhookResultSchema, { received: true, handled: result.handled });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ POST: receiveClerkWebhook });
