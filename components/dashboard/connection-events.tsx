import { ChevronLeft, ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import type { EventsPage } from '@/lib/connections/detail';
import { EventList } from './event-list';

/** Everything recorded about one connection, newest first, a page at a time. */
export function ConnectionEvents({ connectionId, events }: { connectionId: string; events: EventsPage }) {
  const base = `/connections/${connectionId}`;
  return (
    <section aria-labelledby="events-heading" id="events" className="flex scroll-mt-4 flex-col gap-3" data-testid="connection-events">
      <div className="flex flex-col gap-1">
        <h2 id="events-heading" className="text-lg font-semibold">
          Audit events
        </h2>
        <p className="text-sm text-muted-foreground">
          Everything recorded about this connection, newest first. Events are never edited or deleted.
        </p>
      </div>
      {events.items.length === 0 ? (
        <p className="rounded-xl border bg-card p-4 text-sm" data-testid="events-empty">
          No events on this page. <Link href={`${base}#events`} className="text-primary underline underline-offset-4">Go to the newest events</Link>.
        </p>
      ) : (
        <EventList events={events.items} testId="audit-event" />
      )}
      {(events.newer || events.older) && (
        <nav aria-label="Audit event pages" className="flex flex-wrap items-center justify-between gap-2">
          {events.newer ? (
            <Button asChild variant="outline" size="sm">
              <Link href={`${base}?after=${events.newer}#events`} data-testid="events-newer">
                <ChevronLeft aria-hidden="true" /> Newer events
              </Link>
            </Button>
          ) : (
            <span />
          )}
          {events.older && (
            <Button asChild variant="outline" size="sm">
              <Link href={`${base}?before=${events.older}#events`} data-testid="events-older">
                Older events <ChevronRight aria-hidden="true" />
              </Link>
            </Button>
          )}
        </nav>
      )}
    </section>
  );
}
