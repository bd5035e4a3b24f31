'use client';

import { useEffect } from 'react';

/**
 * Starts browser error tracking. Rendered by the root layout only when SENTRY_DSN is set (read at
 * run time, so one build serves both), and the SDK is a dynamic import: without a DSN the browser
 * never downloads it.
 */
export function ErrorTracking({ dsn, environment }: { dsn: string; environment?: string }) {
  useEffect(() => {
    void import('@/lib/error-tracking/browser')
      .then((m) => m.initBrowserErrorTracking({ dsn, environment }))
      .catch(() => undefined);
  }, [dsn, environment]);
  return null;
}
