import type { NextRequest } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { listWebhookDeliveries } from '@/lib/notifications/deliveries';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { webhookDeliveriesSchema } from '@/lib/api-schemas/account';

export const dynamic = 'force-dynamic';

/** The user's 50 most recent webhook deliveries with their attempts. Never a secret. */
async function listDeliveries(req: NextRequest) {
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.', req.headers.get(REQUEST_ID_HEADER));
  const deliveries = await listWebhookDeliveries(await getDb(), user.id, 50);
  return respond(webhookDeliveriesSchema, { deliveries }, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: listDeliveries });
