import { Badge } from '@/components/ui/badge';
import type { ConnectionEventView } from '@/lib/connections/detail';
import { actionLabel, actorLabel, describeEvent, outcomeVariant } from './event-copy';
import { DateTime, RelativeTime } from './time';
import { formatDuration } from './time-format';

/**
 * Audit events as a list that reads as rows on a wide screen and as stacked entries on a phone
 * (a table would need sideways scrolling at 375 px).
 */
export function EventList({ events, testId }: { events: ConnectionEventView[]; testId: string }) {
  return (
    <ol className="flex flex-col divide-y rounded-xl border bg-card">
      {events.map((e) => (
        <li
          key={e.id}
          data-testid={testId}
          data-action={e.action}
          data-outcome={e.outcome}
          data-event-id={e.id}
          className="grid gap-x-4 gap-y-1 px-4 py-3 text-sm sm:grid-cols-[12rem_1fr_auto]"
        >
          <div className="flex flex-col">
            <span className="font-medium">
              <RelativeTime iso={e.createdAt} tickMs={5_000} />
            </span>
            <span className="text-xs text-muted-foreground">
              <DateTime iso={e.createdAt} />
            </span>
          </div>
          <div className="flex min-w-0 flex-col gap-1">
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{actionLabel(e.action)}</span>
              <Badge variant={outcomeVariant(e.outcome)}>{e.outcome}</Badge>
              <span className="text-muted-foreground">by {actorLabel(e.actor)}</span>
            </span>
            <span className="break-words text-muted-foreground" data-testid="event-summary">
              {describeEvent(e.action, e.detail)}
            </span>
            {e.requestId && (
              <span className="font-mono text-xs break-all text-muted-foreground">request {e.requestId}</span>
            )}
          </div>
          <div className="text-muted-foreground sm:text-right">
            {e.durationMs !== null && (
              <span data-testid="duration" data-duration-ms={e.durationMs}>
                <span className="sm:sr-only">Took </span>
                {formatDuration(e.durationMs)}
              </span>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
