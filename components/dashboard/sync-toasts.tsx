'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { toast } from 'sonner';
import { useRenderedAt } from './clock';
import { findCachedConnection } from './cached-connections';
import { connectionName } from './connection-copy';
import { PROVIDER_COPY } from './provider-copy';
import { CONNECTIONS_QUERY_KEY } from './queries';
import { newlyFinishedRuns, rowsWords, syncErrorWords } from './sync-copy';
import { useSyncStatus } from './use-sync-status';

/**
 * Per page load, not per mount: the dashboard's sections re-render and may remount on refresh(),
 * and a remount must neither repeat a toast nor swallow a run that ended meanwhile. "Since" is the
 * server's render time of the first render this page load saw (the server's clock, like the runs'
 * finish times), so a reload never repeats the toast of a run that ended before it. The runs are
 * those of the cards on screen (the page's sync status): with thousands of connections, every
 * scheduled run of every page would be noise, and reading them all is what the page avoids.
 */
let pageSince: number | null = null;
const reported = new Set<string>();

export function SyncToasts() {
  const { data } = useSyncStatus();
  const queryClient = useQueryClient();
  const renderedAt = useRenderedAt();

  useEffect(() => {
    pageSince ??= renderedAt;
    if (!data) return;
    const finished = newlyFinishedRuns(data.targets, reported, pageSince);
    // A run that found the grant dead changed the connection too: its card should say so now, not at the next poll.
    if (finished.some((t) => t.lastRun?.state === 'failed')) void queryClient.invalidateQueries({ queryKey: CONNECTIONS_QUERY_KEY });
    for (const t of finished) {
      // Named as its card names it when the card is loaded (this page, the summary); else by the account.
      const c = findCachedConnection(queryClient, t.connectionId);
      const provider = PROVIDER_COPY[t.provider as keyof typeof PROVIDER_COPY]?.name ?? t.provider;
      const who = `${c ? connectionName(c) : (t.accountName ?? t.accountId)} (${provider})`;
      const account = t.accountName ?? t.accountId;
      const run = t.lastRun!;
      if (run.state === 'succeeded') {
        toast.success(`Synced ${who}`, { description: `${account}: ${rowsWords(run.rowsWritten ?? 0)} written.` });
      } else {
        toast.error(`Sync failed: ${who}`, { description: `${account}: ${syncErrorWords(run.errorCode, run.errorMessage)}`, duration: 10_000 });
      }
    }
  }, [data, queryClient, renderedAt]);

  return null;
}
