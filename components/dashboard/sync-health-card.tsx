'use client';

import { BarChart3 } from 'lucide-react';
import { Skeleton } from '@/components/ui/skeleton';
import { PROVIDER_COPY } from './provider-copy';
import { outcomeCounts } from './sync-copy';
import { useInsightsEnabled, useSyncStatus } from './use-sync-status';

/**
 * Whether campaign figures are arriving: per platform, the sync runs that succeeded and failed in
 * the last 7 days. Also says when this server does not sync at all (INSIGHTS=off). The counts are
 * the summary the page's sync status carries, so it reads no target beyond the cards on screen.
 */
export function SyncHealthCard() {
  const enabled = useInsightsEnabled();
  const { data, error } = useSyncStatus();
  return (
    <section aria-labelledby="sync-health-heading" className="flex flex-col gap-3" data-testid="sync-health">
      <h2 id="sync-health-heading" className="flex items-center gap-2 text-lg font-semibold">
        <BarChart3 className="size-5 text-primary" aria-hidden="true" />
        Campaign sync
      </h2>
      <div className="rounded-xl border bg-card p-4 text-sm shadow-sm">
        {!enabled ? (
          <p data-testid="sync-health-off">
            Campaign insights are turned off on this server (<code className="font-mono">INSIGHTS=off</code>): no campaign figures are
            synced.
          </p>
        ) : (
          <>
            {error && (
              <p className="mb-2 text-xs text-destructive" role="status">
                Could not check the campaign sync just now ({error.message}).
              </p>
            )}
            {!data ? (
              !error && (
                <SyncHealthSkeleton />
              )
            ) : data.targetCount === 0 ? (
              <p data-testid="sync-health-empty">
                No ad account is synced yet. Each connected Amazon Ads, LinkedIn, Meta or X account’s campaigns are found at the next
                sweep and synced on a schedule from then on; Sync now on its card starts at once.
              </p>
            ) : (
              <>
                <p className="mb-2 text-muted-foreground">
                  {data.targetCount} ad account{data.targetCount === 1 ? '' : 's'} synced on a schedule. Runs in the last 7 days:
                </p>
                {data.last7Days.length === 0 ? (
                  <p data-testid="sync-health-quiet">No run finished in the last 7 days.</p>
                ) : (
                  <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4" data-testid="sync-health-counts">
                    {data.last7Days.map((p) => (
                      <li key={p.provider} className="flex flex-col rounded-lg border p-2" data-provider={p.provider} data-testid="sync-health-provider">
                        <span className="font-medium">{PROVIDER_COPY[p.provider as keyof typeof PROVIDER_COPY]?.name ?? p.provider}</span>
                        <span className={p.failed > 0 ? 'text-destructive' : 'text-muted-foreground'}>{outcomeCounts(p)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}

export function SyncHealthSkeleton() {
  return (
    <div className="flex flex-col gap-2" role="status" aria-busy="true" aria-label="Loading the campaign sync">
      <Skeleton className="h-4 w-48" />
      <Skeleton className="h-4 w-64" />
    </div>
  );
}
