import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
import { NextResponse, type NextFetchEvent, type NextMiddleware, type NextRequest } from 'next/server';
import { getEnv } from './lib/env';
import { REQUEST_ID_HEADER, resolveRequestId } from './lib/http/request-id';

/**
 * Every request gets a request id. In Clerk mode, pages and user APIs need a session; machines
 * (health, cron, webhooks, OAuth callbacks, the token API, the simulator) authenticate otherwise.
 */
const isPublic = createRouteMatcher([
  '/api/health',
  '/api/webhooks/(.*)',
  '/api/cron/(.*)',
  '/api/simulator/(.*)',
  '/api/v1/oauth/(.*)/callback',
  '/api/v1/connections/(.*)/access-token',
]);

function withRequestId(req: NextRequest): NextResponse {
  const headers = new Headers(req.headers);
  const id = resolveRequestId(req.headers.get(REQUEST_ID_HEADER));
  headers.set(REQUEST_ID_HEADER, id);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set(REQUEST_ID_HEADER, id);
  return res;
}

let clerkHandler: NextMiddleware | undefined;

function clerk(publishableKey: string, jwtKey: string): NextMiddleware {
  clerkHandler ??= clerkMiddleware(
    async (auth, req) => {
      if (!isPublic(req)) {
        if (req.nextUrl.pathname.startsWith('/api/')) {
          if (!(await auth()).userId) {
            return NextResponse.json(
              { error: { code: 'unauthenticated', message: 'Sign in first.' } },
              { status: 401 },
            );
          }
        } else {
          await auth.protect();
        }
      }
      return withRequestId(req);
    },
    // Passed here rather than read from NEXT_PUBLIC_*, which Next would bake in at build time:
    // one build serves local and Clerk mode. jwtKey makes verification networkless.
    { publishableKey, jwtKey },
  );
  return clerkHandler;
}

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  const { auth } = getEnv();
  if (auth.mode === 'clerk') return clerk(auth.publishableKey, auth.jwtKey)(req, event);
  return withRequestId(req);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|ico|css|js|woff2?)$).*)'],
};
