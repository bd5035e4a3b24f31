'use client';

import { createContext, useContext, useSyncExternalStore } from 'react';

/**
 * Time on a server-rendered page without hydration mismatches: the server and the hydrating
 * client both render with the moment the server rendered (`renderedAt`) and UTC; right after
 * hydration the client switches to its own clock and time zone.
 */

const RenderedAt = createContext<number | null>(null);

export function ClockProvider({ renderedAt, children }: { renderedAt: number; children: React.ReactNode }) {
  return <RenderedAt.Provider value={renderedAt}>{children}</RenderedAt.Provider>;
}

/** The moment the server rendered this page (ms since epoch). */
export function useRenderedAt(): number {
  const renderedAt = useContext(RenderedAt);
  if (renderedAt === null) throw new Error('useRenderedAt needs a ClockProvider above it');
  return renderedAt;
}

/** The time of each tick length's last tick: a stable snapshot between ticks, never rounded. */
const lastTick = new Map<number, number>();
const subscribers = new Map<number, (notify: () => void) => () => void>();

function subscribeEvery(tickMs: number) {
  let subscribe = subscribers.get(tickMs);
  if (!subscribe) {
    subscribe = (notify) => {
      const timer = setInterval(() => {
        lastTick.set(tickMs, Date.now());
        notify();
      }, tickMs);
      return () => clearInterval(timer);
    };
    subscribers.set(tickMs, subscribe);
  }
  return subscribe;
}

function currentTick(tickMs: number): number {
  let now = lastTick.get(tickMs);
  if (now === undefined) {
    now = Date.now();
    lastTick.set(tickMs, now);
  }
  return now;
}

/** Now, in ms, updated every `tickMs`; the server's render time until hydration is done. */
export function useNow(tickMs = 1000): number {
  const renderedAt = useContext(RenderedAt);
  return useSyncExternalStore(
    subscribeEvery(tickMs),
    () => currentTick(tickMs),
    () => renderedAt ?? 0,
  );
}

const noSubscription = () => () => {};

/** True once hydrated: for what only the browser can render (a ticking countdown). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/** The browser's time zone; UTC on the server and while hydrating. */
export function useTimeZone(): string {
  return useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => 'UTC',
  );
}
