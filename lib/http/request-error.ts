import 'server-only';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/errors';
import { captureError } from '../error-tracking/capture';
import { getLogger } from '../log';
import { REQUEST_ID_HEADER } from './request-id';

/** What Next hands instrumentation's onRequestError (the parts we read). */
export interface RequestErrorRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestErrorContext {
  routePath?: string;
  routeType?: string;
  renderSource?: string;
}

/**
 * Logs an error Next caught in a page, server action or proxy (routes answer their own, see
 * handle-route.ts) through the redacting logger: the path without its query string (OAuth
 * callbacks carry codes there), the request id and the digest that error.tsx shows the user.
 */
export function reportRequestError(err: unknown, request: RequestErrorRequest, context: RequestErrorContext, log: Logger = getLogger()): void {
  const header = request.headers[REQUEST_ID_HEADER];
  const requestId = typeof header === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(header) ? header : undefined;
  const digest = err && typeof err === 'object' && 'digest' in err ? String(err.digest) : undefined;
  const line = {
    err,
    method: request.method,
    path: request.path.split('?')[0],
    ...(requestId ? { requestId } : {}),
    ...(digest ? { digest } : {}),
    routePath: context.routePath,
    routeType: context.routeType,
    renderSource: context.renderSource,
  };
  if (isDatabaseUnavailable(err)) log.warn(line, 'database unavailable');
  else {
    log.error(line, 'unhandled error');
    captureError(err, { requestId, method: request.method, path: line.path, routeType: context.routeType });
  }
}
