import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { AppError, errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { sendTestNotification } from '@/lib/notifications/test-event';
import { limitRequest } from '@/lib/rate-limit/enforce';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { testDeliverySchema } from '@/lib/api-schemas/account';

export const dynamic = 'force-dynamic';

/** Sends a signed `test` event to the user's endpoint now and reports how the receiver answered. */
async function sendTestEvent(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const db = await getDb();
  const limited = await limitRequest(db, { settings: getEnv().rateLimits, name: 'test_event', subject: user.id, requestId });
  if (limited) return limited;
  try {
    const delivery = await sendTestNotification(db, { userId: user.id, requestId });
    return respond(testDeliverySchema, { delivery }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
    throw err;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ POST: sendTestEvent });
