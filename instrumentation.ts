import type { Instrumentation } from 'next';

/**
 * Next calls register() once per server process before it serves requests. Start-up checks run
 * only in the Node.js runtime and never during `next build`.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // First, so nothing Next prints later (an unhandled error, whole) escapes redaction.
  const { redactConsole } = await import('./lib/console-redaction');
  redactConsole();
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startServer } = await import('./lib/startup');
  await startServer();
}

/** Every error Next catches in a page, action or proxy goes through the redacting logger. */
export const onRequestError: Instrumentation.onRequestError = async (err, request, context) => {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { reportRequestError } = await import('./lib/http/request-error');
  reportRequestError(err, request, context);
};
