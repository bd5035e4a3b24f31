'use client';

import { useQueryClient } from '@tanstack/react-query';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { useNow, useTimeZone } from './clock';
import { CONNECTIONS_QUERY_KEY } from './queries';
import { RelativeTime } from './time';
import { horizonText, lastRefreshTerm, nextRefreshTerm, relativeDays } from './timeline-copy';
import { TokenCountdown } from './token-countdown';

/** Retries after transient failures stop after this many attempts (lib/refresh/schedule.ts). */
const MAX_ATTEMPTS = 5;

/**
 * When things happen to a connection's tokens: a live countdown to the access token's expiry, the
 * last and next refresh, and the longer horizon a person must act before.
 */
export function TokenTimeline({ connection: c }: { connection: ConnectionStatusView }) {
  const queryClient = useQueryClient();
  if (c.status === 'revoked') return null;
  // A needs-reconnect grant is never used again, whatever its access token's expiry says.
  const live = c.status === 'active' || c.status === 'error';
  return (
    // Three columns when the card (not the window) is wide enough: cards sit two abreast on wide screens.
    <div className="@container flex flex-col gap-2">
      <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm @md:grid-cols-[1.4fr_1fr_1fr]">
        {live && (
          <div>
            <dt className="text-muted-foreground">Access token expires in</dt>
            <dd>
              <TokenCountdown
                expiresAt={c.expiresAt}
                // The sweep has usually refreshed it by now: ask instead of waiting for the next poll.
                onExpire={() => void queryClient.invalidateQueries({ queryKey: CONNECTIONS_QUERY_KEY })}
              />
            </dd>
          </div>
        )}
        <div>
          <dt className="text-muted-foreground">{lastRefreshTerm(c)}</dt>
          <dd data-testid="last-refresh" data-at={c.lastRefreshedAt ?? ''}>
            {c.lastRefreshedAt ? <RelativeTime iso={c.lastRefreshedAt} /> : 'never'}
          </dd>
        </div>
        <div>
          <dt className="text-muted-foreground">{nextRefreshTerm(c)}</dt>
          <dd data-testid="next-refresh" data-at={c.nextAttemptAt ?? ''}>
            <NextRefresh connection={c} />
          </dd>
        </div>
      </dl>
      <Horizon connection={c} />
    </div>
  );
}

function NextRefresh({ connection: c }: { connection: ConnectionStatusView }) {
  const now = useNow();
  if (c.status === 'needs_reauth') return <>none: reconnect to resume</>;
  if (!c.nextAttemptAt) {
    return c.status === 'error' ? <>stopped after {MAX_ATTEMPTS} failures</> : <>not scheduled</>;
  }
  const due = Date.parse(c.nextAttemptAt) <= now;
  const when = due ? <>due now</> : <time dateTime={c.nextAttemptAt}>{relativeDays(c.nextAttemptAt, now)}</time>;
  if (c.consecutiveFailures > 0) {
    return (
      <>
        retry {when} (attempt {Math.min(c.consecutiveFailures + 1, MAX_ATTEMPTS)} of {MAX_ATTEMPTS})
      </>
    );
  }
  return when;
}

/** The deadline beyond the access token: a refresh token's hard end, or a grant that cannot be refreshed. */
function Horizon({ connection: c }: { connection: ConnectionStatusView }) {
  const now = useNow();
  const timeZone = useTimeZone();
  const text = horizonText(c, now, timeZone);
  if (!text) return null;
  return (
    <p className="text-sm text-muted-foreground" data-testid="token-horizon">
      {text}
    </p>
  );
}
