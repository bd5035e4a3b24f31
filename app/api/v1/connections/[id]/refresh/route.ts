import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { getSessionUser } from '@/lib/auth/session';
import { publicOrigin } from '@/lib/connections/origin';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { refreshNow } from '@/lib/refresh/refresh-now';

export const dynamic = 'force-dynamic';

/** Refresh now, with the same lease rules as the sweep. */
export async function POST(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.', requestId);
  const id = z.uuid().safeParse((await ctx.params).id);
  if (!id.success) return errorResponse('not_found', 'No such connection.', requestId);
  const env = getEnv();
  const result = await refreshNow({ db: await getDb(), env, userId: user.id, connectionId: id.data, origin: publicOrigin(env, req.url), requestId });
  if (result.kind === 'not_found') return errorResponse('not_found', 'No such connection.', requestId);
  return NextResponse.json(result, { status: result.ok ? 200 : 409 });
}
