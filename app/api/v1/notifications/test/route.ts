import { NextResponse, type NextRequest } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { AppError, errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { sendTestNotification } from '@/lib/notifications/test-event';

export const dynamic = 'force-dynamic';

/** Sends a signed `test` event to the user's endpoint now and reports how the receiver answered. */
export async function POST(req: NextRequest) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.', requestId);
  try {
    const delivery = await sendTestNotification(await getDb(), { userId: user.id, requestId });
    return NextResponse.json({ delivery }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
    throw err;
  }
}
