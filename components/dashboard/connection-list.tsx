'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import type { ConnectionOverview } from '@/lib/connections/page';
import { ConnectionCard } from './connection-card';
import { isFiltered, listHref, type ListParams } from './list-params';
import { ListPager } from './list-pager';
import { ListSummary } from './list-summary';
import { ConnectionsSkeleton } from './skeletons';
import { RelativeTime } from './time';
import { STATUS_POLL_MS } from './queries';
import { useConnectionPage, useOverview } from './use-status';
import { SyncToasts } from './sync-toasts';
import { SyncCardsScope } from './use-sync-status';

/**
 * One page of the user's connections as a grid that fills the width (one column on a phone, up to
 * three on a laptop), kept current by polling that page of the status API. Each card names its
 * provider, so the order (provider, live before revoked, name) groups them without a heading per
 * provider. With more than a page of them, counts and filters come first and Previous/Next
 * links (plain links: they work without JavaScript) below; with one page of them, neither shows.
 */
export function ConnectionList({ params }: { params: ListParams }) {
  const { data, error, dataUpdatedAt } = useConnectionPage(params);
  const { data: overview } = useOverview();
  if (!data) return <ConnectionsSkeleton />;
  const listed = overview ? listedCount(overview) : 0;
  const paged = Boolean(data.nextCursor || data.prevCursor);

  return (
    <div className="flex flex-col gap-4">
      {overview && (paged || isFiltered(params) || listed > data.connections.length) && <ListSummary overview={overview} params={params} />}
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
        {overview && overview.removed > 0 && <ShowRemoved key={String(Boolean(params.removed))} params={params} count={overview.removed} />}
      </div>
      {data.connections.length === 0 ? (
        <EmptyList overview={overview} params={params} />
      ) : (
        // The cards' sync lines (and the toasts of their finished runs) read these connections' sync status only.
        <SyncCardsScope connectionIds={data.connections.map((c) => c.id)}>
          <SyncToasts />
          <ul
            className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,20rem),1fr))] gap-3"
            aria-label="Connections"
            data-testid="connection-grid"
          >
            {data.connections.map((c) => (
              <li key={c.id} className="flex min-w-0 flex-col [&>*]:flex-1">
                <ConnectionCard connection={c} />
              </li>
            ))}
          </ul>
        </SyncCardsScope>
      )}
      {paged && <ListPager params={params} page={data} />}
    </div>
  );
}

const listedCount = (o: ConnectionOverview) => o.total - o.removed;

/** Lists the removed connections too (from the first page: the pages change when they join). */
function ShowRemoved({ params, count }: { params: ListParams; count: number }) {
  const router = useRouter();
  const id = useId();
  // Ticked at once, while the server renders the list it asks for (keyed by the URL's value).
  const [checked, setChecked] = useState(Boolean(params.removed));
  return (
    <label htmlFor={id} className="flex items-center gap-2 text-sm">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => {
          setChecked(e.target.checked);
          router.push(listHref({ ...params, removed: e.target.checked, cursor: undefined }), { scroll: false });
        }}
        className="size-4 accent-primary"
        data-testid="show-removed"
      />
      Show removed connections ({count})
    </label>
  );
}

function EmptyList({ overview, params }: { overview: ConnectionOverview | undefined; params: ListParams }) {
  const none = overview ? overview.total === 0 : !isFiltered(params) && !params.cursor;
  const [title, text] = none
    ? [
        'No accounts connected yet',
        'Pick a provider under “Connect an account” and approve access there. Grantkeeper then refreshes every grant before it expires and tells you here when one needs you.',
      ]
    : isFiltered(params) || params.cursor
      ? ['No connections listed', 'None of your connections is on this page or matches this filter.']
      : [
          'No connections listed',
          'Every connection here was disconnected and removed from the list; “Show removed connections” lists them again.',
        ];
  return (
    <Card data-testid="no-connections">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>
          {text}{' '}
          {(isFiltered(params) || params.cursor) && (
            <Link href={listHref({ removed: params.removed })} className="text-primary underline underline-offset-4">
              Show the first page of all connections
            </Link>
          )}
        </CardDescription>
      </CardHeader>
    </Card>
  );
}
