import type { NextRequest } from 'next/server';
import { prototypeUserSchema } from '@/lib/api-schemas/compat';
import { describeUser } from '@/lib/connections/prototype-compat';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';

export const dynamic = 'force-dynamic';

/** The prototype's profile route. Deprecated for /api/v1/me. */
async function getUserProfile(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const profile = await describeUser(await getDb(), session.user.id);
  if (!profile) return errorResponse('unauthenticated', 'Sign in first.', session.requestId);
  return respond(prototypeUserSchema, { ...profile, authMode: session.user.mode }, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getUserProfile });
