import * as Sentry from '@sentry/nextjs';
import { MINIMAL_DATA_COLLECTION, scrubEvent } from './scrub-event';

/**
 * Sentry in the browser. Loaded only through a dynamic import by components/error-tracking.tsx,
 * which the root layout renders only when SENTRY_DSN is set: without it the browser never fetches
 * this chunk. Breadcrumbs (console, fetch and navigation URLs) and replays stay off; what is sent
 * passes the same scrubber as the server's events. The CSP lets the page reach the DSN's host
 * only when it is set (lib/http/security-headers.ts).
 */
const KEPT_INTEGRATIONS = new Set([
  'InboundFilters',
  'EventFilters',
  'FunctionToString',
  'BrowserApiErrors',
  'GlobalHandlers',
  'LinkedErrors',
  'Dedupe',
  'HttpContext',
]);

export function initBrowserErrorTracking(options: { dsn: string; environment?: string }): void {
  if (Sentry.getClient()) return;
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    dataCollection: MINIMAL_DATA_COLLECTION,
    integrations: (defaults) => defaults.filter((i) => KEPT_INTEGRATIONS.has(i.name)),
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (crumb) => scrubEvent(crumb),
  });
}
