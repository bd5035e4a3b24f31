'use client';

import Countdown, { type CountdownRenderProps } from 'react-countdown';
import { useHydrated, useRenderedAt } from './clock';
import { clockText } from './time-format';

/**
 * A live countdown to an access token's expiry. It starts over whenever `expiresAt` moves (a
 * refresh arrived by polling), and says when it reaches zero so the caller can ask again at once
 * instead of showing an expired token until the next poll.
 */
export function TokenCountdown({ expiresAt, onExpire }: { expiresAt: string; onExpire?: () => void }) {
  const hydrated = useHydrated();
  // Before hydration: the server's moment, so server and client render the same text.
  const renderedAt = useRenderedAt();
  const target = Date.parse(expiresAt);
  return (
    <span
      role="timer"
      data-testid="countdown"
      data-expires-at={expiresAt}
      className="font-mono text-base font-semibold tabular-nums"
    >
      {hydrated ? (
        <Countdown
          key={expiresAt}
          date={target}
          renderer={({ total }: CountdownRenderProps) => clockText(total)}
          onComplete={(_delta: unknown, completedOnStart?: boolean) => {
            if (!completedOnStart) onExpire?.();
          }}
        />
      ) : (
        clockText(target - renderedAt)
      )}
    </span>
  );
}
