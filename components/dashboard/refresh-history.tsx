import type { RefreshHistory as History } from '@/lib/connections/detail';
import { EventList } from './event-list';
import { formatDuration } from './time-format';

/** The connection's recent refresh attempts: what happened, who asked, how long it took. */
export function RefreshHistory({ refresh }: { refresh: History }) {
  const { stats, recent } = refresh;
  return (
    <section aria-labelledby="refresh-history-heading" className="flex flex-col gap-3" data-testid="refresh-history">
      <div className="flex flex-col gap-1">
        <h2 id="refresh-history-heading" className="text-lg font-semibold">
          Refresh history
        </h2>
        <p className="text-sm text-muted-foreground" data-testid="refresh-stats">
          {stats.attempts === 0 ? 'No refresh attempt yet.' : summary(stats)}
        </p>
      </div>
      {recent.length === 0 ? (
        <p className="rounded-xl border bg-card p-4 text-sm" data-testid="refresh-history-empty">
          Nothing yet. Grantkeeper refreshes the token shortly before it expires (see “Next refresh” above); Refresh now
          does it at once.
        </p>
      ) : (
        <EventList events={recent} testId="refresh-attempt" />
      )}
    </section>
  );
}

function summary(stats: History['stats']): string {
  const counts = `${stats.attempts} attempt${stats.attempts === 1 ? '' : 's'}: ${stats.succeeded} succeeded, ${stats.failed} failed`;
  const speed =
    stats.avgDurationMs !== null
      ? `; a successful refresh takes ${formatDuration(stats.avgDurationMs)} on average (slowest ${formatDuration(stats.maxDurationMs)})`
      : '';
  return `${counts}${speed}. The latest are below, with expiry warnings.`;
}
