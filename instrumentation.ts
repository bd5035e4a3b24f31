import type { Instrumentation } from 'next';

/**
 * Next calls register() once per server process before it serves requests. Start-up checks run
 * only in the Node.js runtime and never during `next build`.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') {
    if (process.env.NEXT_RUNTIME === 'edge') await startErrorTracking();
    return;
  }
  // First, so nothing Next prints later (an unhandled error, whole) escapes redaction.
  const { redactConsole } = await import('./lib/console-redaction');
  redactConsole();
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  await startErrorTracking();
  const { startServer } = await import('./lib/startup');
  await startServer();
}

/**
 * Sentry, only when SENTRY_DSN is set: the import is dynamic and behind the check, so without a
 * DSN no Sentry code is loaded at all. lib/env.ts has already refused a malformed DSN at start-up.
 */
async function startErrorTracking() {
  const dsn = process.env.SENTRY_DSN?.trim();
  if (!dsn || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { initErrorTracking } = await import('./lib/error-tracking/init');
  const { commitSha } = await import('./lib/commit-sha');
  await initErrorTracking({
    dsn,
    environment: process.env.SENTRY_ENVIRONMENT?.trim() || undefined,
    release: commitSha() ?? undefined,
  });
}

/** Every error Next catches in a page, action or proxy goes through the redacting logger. */
export const onRequestError: Instrumentation.onRequestError = async (err, request, context) => {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { reportRequestError } = await import('./lib/http/request-error');
  reportRequestError(err, request, context);
};
