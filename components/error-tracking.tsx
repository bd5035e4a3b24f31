'use client';

import { useEffect } from 'react';

/**
 * Starts browser error tracking. Rendered by the root layout only when SENTRY_DSN is set (read at
 * run time, so one build serves both), and the SDK is a dynamic import: without a DSN the browser
 * never downloads it. A production build holds it as a lazy chunk; `next dev` compiles it only when
 * SENTRY_DSN is set (GRANTKEEPER_SENTRY_DEV, next.config.js), so it costs a newcomer's first
 * compile nothing.
 */
export function ErrorTracking({ dsn, environment }: { dsn: string; environment?: string }) {
  useEffect(() => {
    if (process.env.NODE_ENV === 'production' || process.env.GRANTKEEPER_SENTRY_DEV === 'on') {
      void import('@/lib/error-tracking/browser')
        .then((m) => m.initBrowserErrorTracking({ dsn, environment }))
        .catch(() => undefined);
    }
  }, [dsn, environment]);
  return null;
}
