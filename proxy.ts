import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
import { NextRequest, NextResponse, type NextFetchEvent, type NextMiddleware } from 'next/server';
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
  // Signed-in users or API keys: the route authenticates either itself.
  '/api/v1/analytics/insights',
  '/signed-out',
]);

/** Passes the request on, with its id visible to handlers and echoed to the caller. */
function withRequestId(req: NextRequest): NextResponse {
  const id = req.headers.get(REQUEST_ID_HEADER) ?? resolveRequestId(null);
  const res = NextResponse.next({ request: { headers: req.headers } });
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
              { error: { code: 'unauthenticated', message: 'Sign in first.', requestId: req.headers.get(REQUEST_ID_HEADER) ?? undefined } },
              { status: 401, headers: { [REQUEST_ID_HEADER]: req.headers.get(REQUEST_ID_HEADER) ?? '' } },
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
  // Decided once here and carried in the request, so every response and log line shares it.
  const id = resolveRequestId(req.headers.get(REQUEST_ID_HEADER));
  const headers = new Headers(req.headers);
  headers.set(REQUEST_ID_HEADER, id);
  const tagged = new NextRequest(req, { headers });
  if (auth.mode !== 'clerk') return withRequestId(tagged);
  const res = await clerk(auth.publishableKey, auth.jwtKey)(tagged, event);
  if (res && !res.headers.has(REQUEST_ID_HEADER)) {
    try {
      res.headers.set(REQUEST_ID_HEADER, id);
    } catch {
      // Some redirect responses have immutable headers.
    }
  }
  return res;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|ico|css|js|woff2?)$).*)'],
};
