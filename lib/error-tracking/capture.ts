/**
 * Reports an error to Sentry when error tracking is on, and costs nothing when it is off: this
 * module never imports @sentry/nextjs. The SDK is loaded only by init.ts, dynamically, when
 * SENTRY_DSN is set, and leaves what it needs on globalThis.
 */

export interface ErrorTracker {
  capture(err: unknown, context: ErrorContext): void;
  flush(timeoutMs: number): Promise<boolean>;
}

export interface ErrorContext {
  requestId?: string | null;
  method?: string;
  /** Without its query string: OAuth callbacks carry codes there. */
  path?: string;
  /** Where Next caught it (onRequestError): route, render or action. */
  routeType?: string;
}

const holder = globalThis as unknown as { grantkeeperErrorTracker?: ErrorTracker };

export function setErrorTracker(tracker: ErrorTracker | undefined): void {
  holder.grantkeeperErrorTracker = tracker;
}

export function errorTrackingEnabled(): boolean {
  return holder.grantkeeperErrorTracker !== undefined;
}

/** Never throws: reporting an error must not become a second one. */
export function captureError(err: unknown, context: ErrorContext): void {
  const tracker = holder.grantkeeperErrorTracker;
  if (!tracker) return;
  try {
    tracker.capture(err, { ...context, path: context.path?.split('?')[0] });
  } catch {
    // The error is still in the logs.
  }
}

/** Waits (bounded) for queued reports, for hosts that freeze the process after the response. */
export async function flushErrors(timeoutMs = 2_000): Promise<void> {
  await holder.grantkeeperErrorTracker?.flush(timeoutMs).catch(() => false);
}
