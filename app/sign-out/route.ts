import { NextResponse, type NextRequest } from 'next/server';
import { endClerkSession } from '@/lib/auth/clerk-sign-out';
import { clerkSessionCookieNames } from '@/lib/auth/clerk-cookies';
import { getEnv } from '@/lib/env';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { requestLogger } from '@/lib/log';

/**
 * Sign-out in Clerk mode: a same-origin form POST (the proxy refuses cross-origin changes) that
 * revokes the session at Clerk (at most a few seconds; a failure is logged and does not keep
 * anyone signed in here), clears Clerk's session cookies and lands on /signed-out. Local mode has
 * no session to end.
 */
export async function POST(req: NextRequest) {
  const env = getEnv();
  if (env.auth.mode !== 'clerk') return new NextResponse(null, { status: 404 });
  await endClerkSession(env.auth, { log: requestLogger(req.headers.get(REQUEST_ID_HEADER)) });
  // Relative: the host the browser used is the one it stays on.
  const res = new NextResponse(null, { status: 303, headers: { location: '/signed-out' } });
  for (const name of clerkSessionCookieNames(req.cookies.getAll().map((c) => c.name))) {
    // `__client_uat=0` is how Clerk itself records "signed out" for the handshake; the others go.
    if (name.startsWith('__client_uat')) res.cookies.set(name, '0', { path: '/', sameSite: 'lax', maxAge: 31536000 });
    else res.cookies.set(name, '', { path: '/', maxAge: 0 });
  }
  return res;
}
