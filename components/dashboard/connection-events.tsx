import { ChevronLeft, ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import type { EventsPage } from '@/lib/connections/detail';
import { EventList } from './event-list';

/**
 * Everything recorded about one connection, newest first, a page at a time. Refresh attempts are
 * left out unless asked for: Refresh history above lists them already, and one refresh listed in
 * both sections read as two.
 */
export function ConnectionEvents({
  connectionId,
  events,
  withRefreshes,
}: {
  connectionId: string;
  events: EventsPage;
  withRefreshes: boolean;
}) {
  const href = (query: Record<string, string>) => {
    const params = new URLSearchParams(query);
    if (withRefreshes) params.set('refreshes', '1');
    const qs = params.toString();
    return `/connections/${connectionId}${qs ? `?${qs}` : ''}#events`;
  };
  return (
    <section aria-labelledby="events-heading" id="events" className="flex scroll-mt-4 flex-col gap-3" data-testid="connection-events">
      <div className="flex flex-col gap-1">
        <h2 id="events-heading" className="text-lg font-semibold">
          Audit events
        </h2>
        <p className="text-sm text-muted-foreground">
          {withRefreshes
            ? 'Everything recorded about this connection, refresh attempts included, newest first.'
            : 'Everything else recorded about this connection, newest first; refresh attempts are under Refresh history.'}{' '}
          Events are never edited or deleted.{' '}
          <Link
            href={withRefreshes ? `/connections/${connectionId}#events` : `/connections/${connectionId}?refreshes=1#events`}
            className="text-primary underline underline-offset-4"
            data-testid="events-refreshes-toggle"
          >
            {withRefreshes ? 'Leave refresh attempts out' : 'List refresh attempts here too'}
          </Link>
        </p>
      </div>
      {events.items.length === 0 ? (
        <p className="rounded-xl border bg-card p-4 text-sm" data-testid="events-empty">
          No events on this page.{' '}
          <Link href={href({})} className="text-primary underline underline-offset-4">
            Go to the newest events
          </Link>
          .
        </p>
      ) : (
        <EventList events={events.items} testId="audit-event" />
      )}
      {(events.newer || events.older) && (
        <nav aria-label="Audit event pages" className="flex flex-wrap items-center justify-between gap-2">
          {events.newer ? (
            <Button asChild variant="outline" size="sm">
              <Link href={href({ after: events.newer })} data-testid="events-newer">
                <ChevronLeft aria-hidden="true" /> Newer events
              </Link>
            </Button>
          ) : (
            <span />
          )}
          {events.older && (
            <Button asChild variant="outline" size="sm">
              <Link href={href({ before: events.older })} data-testid="events-older">
                Older events <ChevronRight aria-hidden="true" />
              </Link>
            </Button>
          )}
        </nav>
      )}
    </section>
  );
}
