import 'server-only';
import { setErrorTracker } from './capture';
import { MINIMAL_DATA_COLLECTION, scrubEvent } from './scrub-event';

/**
 * Starts Sentry in this server process (Node.js or edge runtime; the package picks its build).
 * Imported dynamically by instrumentation.ts only when SENTRY_DSN is set, so without it not one
 * Sentry module is loaded. No tracing (no tracesSampleRate), no default PII, and only the
 * integrations that cannot see a secret before beforeSend does: the HTTP, console, pino and
 * database integrations would record URLs, log lines and queries as breadcrumbs.
 */
const KEPT_INTEGRATIONS = new Set([
  'InboundFilters',
  'EventFilters',
  'FunctionToString',
  'LinkedErrors',
  'Dedupe',
  'OnUncaughtException',
  'OnUnhandledRejection',
  'ContextLines',
  'NodeContext',
  'Context',
]);

export async function initErrorTracking(options: { dsn: string; environment?: string; release?: string }): Promise<void> {
  const Sentry = await import('@sentry/nextjs');
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    dataCollection: MINIMAL_DATA_COLLECTION,
    integrations: (defaults) => defaults.filter((i) => KEPT_INTEGRATIONS.has(i.name)),
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (crumb) => scrubEvent(crumb),
  });
  setErrorTracker({
    capture(err, context) {
      Sentry.withScope((scope) => {
        if (context.requestId) scope.setTag('request_id', context.requestId);
        if (context.method) scope.setTag('http.method', context.method);
        if (context.path) scope.setTag('path', context.path);
        if (context.routeType) scope.setTag('route_type', context.routeType);
        Sentry.captureException(err);
      });
    },
    flush: (timeoutMs) => Sentry.flush(timeoutMs),
  });
}
