'use client';

import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { PROVIDER_SLUGS } from '@/lib/providers/types';
import { ConnectionCard } from './connection-card';
import { ConnectionsSkeleton } from './skeletons';
import { PROVIDER_COPY } from './provider-copy';
import { RelativeTime } from './time';
import { STATUS_POLL_MS } from './queries';
import { useConnections } from './use-status';

/** The user's connections by provider, kept current by polling the status API. */
export function ConnectionList() {
  const { data, error, dataUpdatedAt } = useConnections();
  if (!data) return <ConnectionsSkeleton />;

  const groups = PROVIDER_SLUGS.map((slug) => ({ slug, items: data.filter((c) => c.provider === slug) })).filter(
    (g) => g.items.length > 0,
  );

  return (
    <div className="flex flex-col gap-4">
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
      {groups.length === 0 ? (
        <Card data-testid="no-connections">
          <CardHeader>
            <CardTitle>No accounts connected yet</CardTitle>
            <CardDescription>
              Pick a provider under “Connect an account” and approve access there. Grantkeeper then refreshes every
              grant before it expires and tells you here when one needs you.
            </CardDescription>
          </CardHeader>
        </Card>
      ) : (
        groups.map((g) => <ProviderGroup key={g.slug} slug={g.slug} items={g.items} />)
      )}
    </div>
  );
}

function ProviderGroup({ slug, items }: { slug: (typeof PROVIDER_SLUGS)[number]; items: ConnectionStatusView[] }) {
  const name = PROVIDER_COPY[slug].name;
  return (
    <section className="flex flex-col gap-2" data-testid={`group-${slug}`} aria-labelledby={`group-${slug}-heading`}>
      <h3 id={`group-${slug}-heading`} className="text-sm font-medium text-muted-foreground">
        {name} · {items.length}
      </h3>
      <div className="grid gap-3 lg:grid-cols-2">
        {items.map((c) => (
          <ConnectionCard key={c.id} connection={c} />
        ))}
      </div>
    </section>
  );
}
