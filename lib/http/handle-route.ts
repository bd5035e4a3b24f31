import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { NextRequest } from 'next/server';
import { isDatabaseUnavailable } from '../db/errors';
import { captureError, errorTrackingEnabled, flushErrors } from '../error-tracking/capture';
import { requestLogger } from '../log';
import { withRequestQuota } from '../rate-limit/request-quota';
import { afterResponse } from './after-response';
import { AppError, errorResponse } from './errors';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * Every app/api route is built here, so each answers errors alike: `{ error: { code, message,
 * requestId } }`, an AppError with its own status, an unreachable database with 503 and
 * Retry-After, anything else with a generic 500 logged through the redacting logger — never
 * Next's empty 500 and raw console print. Methods a route does not implement answer 405 JSON
 * with `Allow` (Next's own 405 has no body).
 */

/** How soon to try again when the database is unreachable: a restart or failover takes seconds. */
export const DATABASE_RETRY_AFTER_SEC = 5;

export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

export type RouteHandler<R extends Request, C> = (req: R, ctx: C) => Response | Promise<Response>;
/** ctx is optional so tests and other callers may pass a bare Request; Next always passes it. */
type Wrapped<R extends Request, C> = (req: R, ctx?: C) => Promise<Response>;

/** The response for an error a route did not handle itself. */
export function errorToResponse(err: unknown, req: Request): Response {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const log = requestLogger(requestId);
  const where = { method: req.method, path: new URL(req.url).pathname };
  if (err instanceof AppError) return errorResponse(err.code, err.message, requestId);
  if (isDatabaseUnavailable(err)) {
    log.warn({ ...where, err }, 'database unavailable');
    const res = errorResponse('database_unavailable', 'The database is unavailable. Try again shortly.', requestId);
    res.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SEC));
    return res;
  }
  log.error({ ...where, err }, 'unhandled error in route');
  captureError(err, { requestId, ...where });
  if (errorTrackingEnabled()) afterResponse(() => flushErrors());
  return errorResponse('internal', 'Something went wrong on our side. Quote the request id if you report it.', requestId);
}

/**
 * Wraps one handler: whatever it throws becomes one of our JSON errors, every line logged
 * while it runs, from lib code too, carries the request id (lib/log-context.ts), and every answer
 * of a rate-limited route the RateLimit fields (lib/rate-limit/request-quota.ts).
 */
export function handleRoute<R extends Request, C>(handler: RouteHandler<R, C>): Wrapped<R, C> {
  return (req, ctx) =>
    // One context per request: the log fields, and the quota slot whose RateLimit fields any answer
    // after a rate-limit hit carries, errors included.
    withRequestQuota({ requestId: req.headers.get(REQUEST_ID_HEADER) ?? undefined }, async () => {
      try {
        return await handler(req, ctx as C);
      } catch (err) {
        // redirect(), notFound() and Next's own control-flow errors are not failures.
        unstable_rethrow(err);
        return errorToResponse(err, req);
      }
    });
}

/** The methods a route answers, for `Allow` (HEAD comes with GET, OPTIONS with every route). */
function allowHeader(methods: readonly RouteMethod[]): string {
  return [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
}

/**
 * A route's exports: the handlers it has, wrapped, and a JSON 405 for the methods it lacks.
 * `export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: listThings });`
 */
export function apiRoute<R extends Request = NextRequest, C = unknown>(
  handlers: Partial<Record<RouteMethod, RouteHandler<R, C>>>,
): Record<RouteMethod | 'OPTIONS', Wrapped<R, C>> {
  const implemented = ROUTE_METHODS.filter((m) => handlers[m]);
  const allow = allowHeader(implemented);
  const refuse: Wrapped<R, C> = async (req) => {
    const res = errorResponse('method_not_allowed', `${req.method} is not supported here. Allowed: ${allow}.`, req.headers.get(REQUEST_ID_HEADER));
    res.headers.set('allow', allow);
    return res;
  };
  const wrap = (method: RouteMethod) => {
    const handler = handlers[method];
    return handler ? handleRoute(handler) : refuse;
  };
  return {
    GET: wrap('GET'),
    POST: wrap('POST'),
    PUT: wrap('PUT'),
    PATCH: wrap('PATCH'),
    DELETE: wrap('DELETE'),
    OPTIONS: async () => new Response(null, { status: 204, headers: { allow } }),
  };
}
