import { NextResponse } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { errorResponse } from '@/lib/http/errors';

export const dynamic = 'force-dynamic';

/** Who the caller is signed in as. */
export async function GET() {
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.');
  return NextResponse.json({ id: user.id, authMode: user.mode });
}
