import 'server-only';
import type { NextRequest, NextResponse } from 'next/server';
import { getSessionUser, type SessionUser } from '../auth/session';
import { errorResponse } from './errors';
import { REQUEST_ID_HEADER } from './request-id';

export type SessionRoute = { user: SessionUser; requestId: string | null; response?: never } | { response: NextResponse };

/** The start of every signed-in route: the request id, and the user or a 401 to return. */
export async function sessionRoute(req: NextRequest): Promise<SessionRoute> {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const user = await getSessionUser();
  if (!user) return { response: errorResponse('unauthenticated', 'Sign in first.', requestId) };
  return { user, requestId };
}
