import { clerkMiddleware } from '@clerk/nextjs/server';
import { NextRequest, NextResponse, type NextFetchEvent, type NextMiddleware } from 'next/server';
import { getEnv, type Env } from './lib/env';
import { errorResponse } from './lib/http/errors';
import { isMachinePath, isPublicPath } from './lib/http/public-paths';
import { REQUEST_ID_HEADER, resolveRequestId } from './lib/http/request-id';
import { guardRequest, type GuardResult } from './lib/http/request-guard';
import {
  clerkFrontendApiOrigin,
  errorReportingOrigin,
  makeNonce,
  pageContentSecurityPolicy,
  securityHeaders,
  type HeaderContext,
} from './lib/http/security-headers';
import { getLogger } from './lib/log';

/**
 * Every request passes here first: local mode answers only loopback names, a change must come
 * from our own origin (lib/http/request-guard.ts), every response gets the security headers and
 * every page a fresh CSP nonce, and every request an id. In Clerk mode, pages and user APIs need
 * a session; machines (health, cron, webhooks, OAuth callbacks, the token API, the simulator)
 * authenticate otherwise.
 */
const isPublic = (req: NextRequest) => isPublicPath(req.nextUrl.pathname);

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

function headerContext(env: Env, pathname: string): HeaderContext {
  return {
    pathname,
    dev: env.nodeEnv === 'development',
    https: env.nodeEnv === 'production' && env.appUrl?.startsWith('https:') === true,
    clerkFrontendApi: env.auth.mode === 'clerk' ? clerkFrontendApiOrigin(env.auth.publishableKey) : undefined,
    errorReportingOrigin: errorReportingOrigin(env.observability.sentryDsn),
  };
}

/**
 * Clerk passes its auth state on by turning our `next()` into a rewrite to the request's own URL
 * (decorateRequest in @clerk/nextjs). Next hands proxy.ts that URL with `localhost` as its host
 * whatever `-H` said, but its router compares rewrites with the `-H` address: under
 * `-H 127.0.0.1` the rewrite looked external, and Next proxied the request to itself, again and
 * again, until "Failed to proxy … socket hang up" (issue 8, item 24). The headers Clerk adds ride
 * on `x-middleware-override-headers`, which `next()` honours, so the self-rewrite is undone.
 */
function undoSelfRewrite(res: Response, url: string): void {
  const rewrite = res.headers.get('x-middleware-rewrite');
  if (rewrite === null || rewrite !== url) return;
  res.headers.delete('x-middleware-rewrite');
  res.headers.set('x-middleware-next', '1');
}

/** Sets headers where the response allows it (some redirect responses are immutable). */
function setHeaders(res: Response, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    try {
      res.headers.set(name, value);
    } catch {
      return;
    }
  }
}

/** A refusal: JSON with the usual error shape on the API, a plain page elsewhere; nothing ran. */
function refusalResponse(result: Extract<GuardResult, { ok: false }>, pathname: string, id: string): NextResponse {
  if (pathname.startsWith('/api/')) {
    return errorResponse(result.status === 400 ? 'bad_request' : 'forbidden', result.message, id);
  }
  return new NextResponse(`${result.message}\n`, {
    status: result.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  const env = getEnv();
  const { pathname } = req.nextUrl;
  // Decided once here and carried in the request, so every response and log line shares it.
  const id = resolveRequestId(req.headers.get(REQUEST_ID_HEADER));
  const ctx = headerContext(env, pathname);

  const guard = guardRequest(env, { method: req.method, pathname, protocol: req.nextUrl.protocol, headers: req.headers });
  if (!guard.ok) {
    getLogger().warn({ requestId: id, method: req.method, path: pathname, refusal: guard.refusal }, 'request refused');
    const refused = refusalResponse(guard, pathname, id);
    setHeaders(refused, { ...securityHeaders(ctx), [REQUEST_ID_HEADER]: id });
    return refused;
  }

  const headers = new Headers(req.headers);
  headers.set(REQUEST_ID_HEADER, id);
  if (!env.trustProxy) {
    // A client's own X-Forwarded-* must not reach Next (its server-action origin check) or Clerk
    // (its redirect URLs): they are replaced by what this server saw itself.
    headers.set('x-forwarded-host', req.headers.get('host') ?? req.nextUrl.host);
    headers.set('x-forwarded-proto', req.nextUrl.protocol.replace(':', ''));
  }
  let csp: string | undefined;
  if (!pathname.startsWith('/api/')) {
    const nonce = makeNonce();
    csp = pageContentSecurityPolicy(nonce, ctx);
    // Next takes the nonce for its own scripts from the request's CSP header; Clerk's from x-nonce.
    headers.set('content-security-policy', csp);
    headers.set('x-nonce', nonce);
  }
  const tagged = new NextRequest(req, { headers });
  // Machine routes authenticate themselves and never read a session: Clerk's middleware is skipped.
  const res =
    env.auth.mode === 'clerk' && !isMachinePath(pathname)
      ? await clerk(env.auth.publishableKey, env.auth.jwtKey)(tagged, event)
      : withRequestId(tagged);
  if (res) {
    undoSelfRewrite(res, tagged.url);
    setHeaders(res, {
      ...securityHeaders(ctx),
      ...(csp ? { 'content-security-policy': csp } : {}),
      ...(res.headers.has(REQUEST_ID_HEADER) ? {} : { [REQUEST_ID_HEADER]: id }),
    });
  }
  return res;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|ico|css|js|woff2?)$).*)'],
};
