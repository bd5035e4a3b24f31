import { NextResponse, type NextRequest } from 'next/server';
import { revokeApiKey } from '@/lib/api-keys/keys';
import { getDb } from '@/lib/db';
import { AppError, errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { apiRoute } from '@/lib/http/handle-route';

export const dynamic = 'force-dynamic';

/** Revokes a key: it stops working at once here, and within 30 s on every other instance. */
async function revokeKey(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  try {
    await revokeApiKey(await getDb(), { userId: user.id, id: (await ctx.params).id, requestId });
    return new NextResponse(null, { status: 204 });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
    throw err;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ DELETE: revokeKey });
