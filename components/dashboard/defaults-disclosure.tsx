'use client';

import type { ReactNode } from 'react';
import { bannerCookie } from './defaults-banner-state';

/**
 * A native <details> (keyboard and screen-reader support for free, works before hydration) that
 * remembers whether it was left open.
 */
export function DefaultsDisclosure({
  initialOpen,
  summary,
  children,
}: {
  initialOpen: boolean;
  summary: ReactNode;
  children: ReactNode;
}) {
  return (
    <details
      open={initialOpen}
      className="group"
      onToggle={(event) => {
        document.cookie = bannerCookie(event.currentTarget.open);
      }}
    >
      {summary}
      {children}
    </details>
  );
}
