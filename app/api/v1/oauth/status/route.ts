import type { NextRequest } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { listConnectionStatus } from '@/lib/connections/status';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { connectionStatusListSchema } from '@/lib/api-schemas/connections';

export const dynamic = 'force-dynamic';

/** The signed-in user's connections and their health. Never a token. */
async function getConnectionStatus(req: NextRequest) {
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.', req.headers.get(REQUEST_ID_HEADER));
  const connections = await listConnectionStatus(await getDb(), user.id);
  return respond(connectionStatusListSchema, { connections }, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getConnectionStatus });
