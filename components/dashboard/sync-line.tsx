'use client';

import { BarChart3 } from 'lucide-react';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { Skeleton } from '@/components/ui/skeleton';
import { reconnectHref } from './connection-copy';
import { useNow } from './clock';
import {
  errorDetailWords,
  NEXT_SYNC_DUE_WORDS,
  nextSyncDue,
  progressPercent,
  progressWords,
  summarizeConnectionSync,
  syncErrorWords,
  X_ORGANIC_NOTE,
} from './sync-copy';
import { hasCampaignSync } from './sync-queries';
import { RelativeTime } from './time';
import { SyncNowButton } from './sync-now-button';
import { useInsightsEnabled, useSyncStatus } from './use-sync-status';

/** " · next sync in 4 minutes", or, once that time has passed and the sweep has not run it yet, that it is due. */
function NextSync({ iso }: { iso: string }) {
  const now = useNow(10_000);
  if (nextSyncDue(iso, now)) return <span data-testid="sync-next-due">{` · next sync ${NEXT_SYNC_DUE_WORDS}`}</span>;
  return (
    <>
      {' · next sync '}
      <RelativeTime iso={iso} tickMs={10_000} />
    </>
  );
}

/**
 * A connection's campaign sync on its card: last and next sync, Sync now with its progress, the
 * last error in words (with Reconnect when the grant is dead). Nothing when this server does not
 * sync (INSIGHTS=off), the platform has no campaigns, or the connection was disconnected.
 */
export function SyncLine({ connection: c, label }: { connection: ConnectionStatusView; label: string }) {
  const enabled = useInsightsEnabled();
  const { data, error } = useSyncStatus();
  if (!enabled || !hasCampaignSync(c.provider) || c.status === 'revoked') return null;

  const canSync = c.status === 'active' || c.status === 'error';
  const body = () => {
    if (!data) {
      return error ? (
        <p className="text-destructive" role="status">
          Could not check the campaign sync just now ({error.message}).
        </p>
      ) : (
        <Skeleton className="h-4 w-3/4" role="status" aria-label={`Loading the campaign sync of ${label}`} />
      );
    }
    const sync = summarizeConnectionSync(data.targets.filter((t) => t.connectionId === c.id));
    switch (sync.kind) {
      case 'none':
        return <p data-testid="sync-summary">Not synced yet: the next sweep finds this account’s ad accounts, or press Sync now.</p>;
      case 'disabled':
        return <p data-testid="sync-summary">Nothing to sync: {sync.reason}</p>;
      case 'syncing': {
        const words = sync.paused ? `Paused: ${syncErrorWords(sync.pausedBy)}` : progressWords(sync.progress);
        return (
          <div className="flex flex-col gap-1" data-testid="sync-progress">
            <p role="status">
              {words}
              {sync.accounts > 1 && ` (${sync.accounts} accounts)`}
            </p>
            {!sync.paused && (
              <progress
                className="h-1.5 w-full overflow-hidden rounded-full accent-primary"
                max={100}
                value={progressPercent(sync.progress)}
                aria-label={`Sync progress of ${label}`}
              />
            )}
          </div>
        );
      }
      case 'idle':
        return (
          <>
            <p data-testid="sync-summary">
              {sync.lastSuccessAt ? (
                <>
                  Last synced <RelativeTime past iso={sync.lastSuccessAt} tickMs={10_000} />
                </>
              ) : (
                'Not synced yet'
              )}
              {sync.nextRunAt && <NextSync iso={sync.nextRunAt} />}
              .
            </p>
            {sync.note && (
              <p className="break-words text-muted-foreground" data-testid="sync-note">
                {sync.note}
              </p>
            )}
            {sync.error && (
              <p className="break-words text-destructive" data-testid="sync-error" data-code={sync.error.code ?? undefined}>
                {sync.error.words}{' '}
                {sync.error.reconnect && (
                  <a
                    href={reconnectHref(c)}
                    aria-label={`Reconnect ${label} to sync again`}
                    className="font-medium underline underline-offset-4"
                    data-testid="sync-reconnect"
                  >
                    Reconnect
                  </a>
                )}
                {sync.error.detail && (
                  <span className="block text-xs text-muted-foreground" data-testid="sync-error-detail">
                    {errorDetailWords(sync.error)}
                  </span>
                )}
              </p>
            )}
          </>
        );
    }
  };
  const syncing = data?.targets.some((t) => t.connectionId === c.id && t.state === 'syncing') ?? false;

  return (
    // A group, not a landmark: one region per card would crowd a screen reader's list of landmarks.
    <div role="group" aria-label={`Campaign sync of ${label}`} className="flex flex-col gap-2 rounded-lg border bg-muted/40 p-3" data-testid="sync-line">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-center gap-1.5 text-xs font-medium text-muted-foreground">
          <BarChart3 className="size-3.5" aria-hidden="true" /> Campaign sync
        </h3>
        {canSync && <SyncNowButton connectionId={c.id} label={label} syncing={syncing} />}
      </div>
      {body()}
      {c.provider === 'x' && (
        <p className="text-xs text-muted-foreground" data-testid="sync-x-note">
          {X_ORGANIC_NOTE}
        </p>
      )}
    </div>
  );
}
