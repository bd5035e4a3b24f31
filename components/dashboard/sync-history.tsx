import { ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { listSyncHistory } from '@/lib/insights/status';
import { progressWords, runStateWords, syncErrorWords, triggerWords, windowWords, X_ORGANIC_NOTE } from './sync-copy';
import { DateTime } from './time';
import { formatDuration } from './time-format';

export type SyncHistoryPage = Awaited<ReturnType<typeof listSyncHistory>>;
type Run = SyncHistoryPage['runs'][number];

const FINISHED = ['succeeded', 'failed'];

function outcomeVariant(state: string): 'success' | 'destructive' | 'warning' | 'secondary' {
  if (state === 'succeeded') return 'success';
  if (state === 'failed') return 'destructive';
  if (state === 'deferred') return 'warning';
  return 'secondary';
}

/**
 * A connection's campaign sync runs, newest first, a page at a time: who started each, the days
 * it read, how it ended, what it wrote and cost, and why it failed. `null` history: this server
 * does not sync (INSIGHTS=off).
 */
export function SyncHistory({
  connectionId,
  provider,
  history,
  paged,
}: {
  connectionId: string;
  provider: string;
  history: SyncHistoryPage | null;
  /** Showing an older page (a link back to the newest is offered). */
  paged: boolean;
}) {
  const base = `/connections/${connectionId}`;
  return (
    <section aria-labelledby="sync-history-heading" id="sync-history" className="flex scroll-mt-4 flex-col gap-3" data-testid="sync-history">
      <div className="flex flex-col gap-1">
        <h2 id="sync-history-heading" className="text-lg font-semibold">
          Campaign sync history
        </h2>
        <p className="text-sm text-muted-foreground">
          Every run that read this connection’s campaign figures, newest first.
          {provider === 'x' && <span data-testid="sync-x-note"> {X_ORGANIC_NOTE}</span>}
        </p>
      </div>
      {history === null ? (
        <p className="rounded-xl border bg-card p-4 text-sm" data-testid="sync-history-off">
          Campaign insights are turned off on this server (<code className="font-mono">INSIGHTS=off</code>): nothing is synced.
        </p>
      ) : history.runs.length === 0 ? (
        <p className="rounded-xl border bg-card p-4 text-sm" data-testid="sync-history-empty">
          {paged
            ? 'No older runs.'
            : 'No sync has run yet. The sweep schedules the first one soon after an account is connected; Sync now on the dashboard starts it at once.'}
        </p>
      ) : (
        // Wider than a phone: the table scrolls inside its own focusable region, never the page.
        <div role="region" aria-label="Campaign sync runs" tabIndex={0} className="overflow-x-auto rounded-xl border bg-card focus-visible:ring-[3px] focus-visible:ring-ring/70 focus-visible:outline-none">
          <table className="w-full min-w-[52rem] text-left text-sm">
            <thead className="border-b text-xs text-muted-foreground">
              <tr>
                {['Started', 'Trigger', 'Window', 'Outcome', 'Rows written', 'Requests', 'Duration', 'Error'].map((h) => (
                  <th key={h} scope="col" className="px-3 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y">
              {history.runs.map((run) => (
                <RunRow key={run.id} run={run} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(paged || history?.next) && (
        <nav aria-label="Campaign sync history pages" className="flex flex-wrap items-center justify-between gap-2">
          {paged ? (
            <Button asChild variant="outline" size="sm">
              <Link href={`${base}#sync-history`} data-testid="sync-history-newest">
                Newest runs
              </Link>
            </Button>
          ) : (
            <span />
          )}
          {history?.next && (
            <Button asChild variant="outline" size="sm">
              <Link href={`${base}?runs=${history.next}#sync-history`} data-testid="sync-history-older">
                Older runs <ChevronRight aria-hidden="true" />
              </Link>
            </Button>
          )}
        </nav>
      )}
    </section>
  );
}

function RunRow({ run }: { run: Run }) {
  const finished = FINISHED.includes(run.state);
  return (
    <tr data-testid="sync-run" data-run-id={run.id} data-state={run.state} className="align-top">
      <td className="px-3 py-2 whitespace-nowrap">
        <DateTime iso={run.startedAt ?? run.createdAt} />
      </td>
      <td className="px-3 py-2">{triggerWords(run.trigger)}</td>
      <td className="px-3 py-2 whitespace-nowrap">{windowWords(run.window)}</td>
      <td className="px-3 py-2">
        <Badge variant={outcomeVariant(run.state)}>{runStateWords(run.state)}</Badge>
        {!finished && run.state !== 'deferred' && <span className="block text-xs text-muted-foreground">{progressWords(run.progress)}</span>}
      </td>
      <td className="px-3 py-2 tabular-nums" data-testid="sync-run-rows">
        {run.rowsWritten.toLocaleString('en-US')}
      </td>
      <td className="px-3 py-2 tabular-nums">{run.requestsMade.toLocaleString('en-US')}</td>
      <td className="px-3 py-2 whitespace-nowrap tabular-nums">{finished ? formatDuration(run.durationMs) : '—'}</td>
      <td className="max-w-80 px-3 py-2 break-words" data-testid="sync-run-error">
        {run.errorCode ? <RunError run={run} /> : '—'}
      </td>
    </tr>
  );
}

function RunError({ run }: { run: Run }) {
  const words = syncErrorWords(run.errorCode, run.errorMessage);
  return (
    <>
      <span className={run.state === 'failed' ? 'text-destructive' : undefined}>{words}</span>
      {run.errorMessage && run.errorMessage !== words && <span className="block text-xs text-muted-foreground">{run.errorMessage}</span>}
    </>
  );
}
