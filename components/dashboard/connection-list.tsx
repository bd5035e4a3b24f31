'use client';

import { useId, useState } from 'react';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConnectionCard } from './connection-card';
import { ConnectionsSkeleton } from './skeletons';
import { RelativeTime } from './time';
import { STATUS_POLL_MS } from './queries';
import { useConnections } from './use-status';

/**
 * The user's connections as one grid that fills the width (one column on a phone, up to three on
 * a laptop), kept current by polling the status API. Each card names its provider, so the order
 * (provider, live before revoked, name) groups them without a heading per provider, which left
 * half the screen empty when each provider had one account.
 */
export function ConnectionList() {
  const { data, error, dataUpdatedAt } = useConnections();
  const [showRemoved, setShowRemoved] = useState(false);
  const toggleId = useId();
  if (!data) return <ConnectionsSkeleton />;

  const removed = data.filter((c) => c.hiddenAt);
  const shown = showRemoved ? data : data.filter((c) => !c.hiddenAt);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <p className="text-xs text-muted-foreground" data-testid="status-freshness">
          {error ? (
            <span className="text-destructive" role="status">
              Could not check the status just now ({error.message}). Showing what was known{' '}
              <RelativeTime iso={new Date(dataUpdatedAt).toISOString()} />.
            </span>
          ) : (
            <>
              Status checked <RelativeTime past iso={new Date(dataUpdatedAt).toISOString()} />; it updates by itself every{' '}
              {STATUS_POLL_MS / 1000} seconds.
            </>
          )}
        </p>
        {removed.length > 0 && (
          <label htmlFor={toggleId} className="flex items-center gap-2 text-sm">
            <input
              id={toggleId}
              type="checkbox"
              checked={showRemoved}
              onChange={(e) => setShowRemoved(e.target.checked)}
              className="size-4 accent-primary"
              data-testid="show-removed"
            />
            Show removed connections ({removed.length})
          </label>
        )}
      </div>
      {shown.length === 0 ? (
        <Card data-testid="no-connections">
          <CardHeader>
            <CardTitle>{data.length === 0 ? 'No accounts connected yet' : 'No connections listed'}</CardTitle>
            <CardDescription>
              {data.length === 0
                ? 'Pick a provider under “Connect an account” and approve access there. Grantkeeper then refreshes every grant before it expires and tells you here when one needs you.'
                : 'Every connection here was disconnected and removed from the list; “Show removed connections” lists them again.'}
            </CardDescription>
          </CardHeader>
        </Card>
      ) : (
        <ul
          className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,20rem),1fr))] gap-3"
          aria-label="Connections"
          data-testid="connection-grid"
        >
          {shown.map((c) => (
            <li key={c.id} className="flex min-w-0 flex-col [&>*]:flex-1">
              <ConnectionCard connection={c} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
