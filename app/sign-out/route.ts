import { NextResponse, type NextRequest } from 'next/server';
import { clerkSessionCookieNames } from '@/lib/auth/clerk-cookies';
import { getEnv } from '@/lib/env';

/**
 * Sign-out in Clerk mode: a same-origin form POST (the proxy refuses cross-origin changes) that
 * clears Clerk's session cookies and lands on /signed-out. Local mode has no session to end.
 */
export function POST(req: NextRequest) {
  if (getEnv().auth.mode !== 'clerk') return new NextResponse(null, { status: 404 });
  // Relative: the host the browser used is the one it stays on.
  const res = new NextResponse(null, { status: 303, headers: { location: '/signed-out' } });
  for (const name of clerkSessionCookieNames(req.cookies.getAll().map((c) => c.name))) {
    // `__client_uat=0` is how Clerk itself records "signed out" for the handshake; the others go.
    if (name.startsWith('__client_uat')) res.cookies.set(name, '0', { path: '/', sameSite: 'lax', maxAge: 31536000 });
    else res.cookies.set(name, '', { path: '/', maxAge: 0 });
  }
  return res;
}
