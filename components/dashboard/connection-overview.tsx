'use client';

import { RotateCcw } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { connectionName, lastErrorWords, providerLine, reconnectHref } from './connection-copy';
import { DisconnectButton } from './disconnect-button';
import { ListToggleButton } from './list-toggle-button';
import { PROVIDER_COPY } from './provider-copy';
import { RefreshButton } from './refresh-button';
import { RevokedNote } from './revoked-note';
import { StatusBadge } from './status-badge';
import { TokenTimeline } from './token-timeline';
import { useConnection } from './use-status';

/**
 * The live top of a connection's page: name, status, countdown and actions, polled by this
 * connection's id (the list holds one page; this connection may be on any). When polling brings
 * news (a refresh, a failure), the server-rendered history below is fetched again too.
 */
export function ConnectionOverview({ initial }: { initial: ConnectionStatusView }) {
  const { data } = useConnection(initial.id);
  const c = data ?? initial;
  useRefreshHistoryOnChange(c);

  const copy = PROVIDER_COPY[c.provider as keyof typeof PROVIDER_COPY] ?? PROVIDER_COPY.oidc;
  const name = connectionName(c);
  const label = `${name} (${copy.name})`;
  const canRefresh = c.status === 'active' || c.status === 'error';
  return (
    <section
      aria-labelledby="connection-heading"
      className="flex flex-col gap-4 rounded-xl border bg-card p-4 shadow-sm sm:p-6"
      data-testid="connection"
      data-provider={c.provider}
      data-connection-id={c.id}
      data-status={c.status}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <h1 id="connection-heading" className="text-2xl font-semibold tracking-tight break-words" data-testid="connection-name">
            {name}
          </h1>
          <p className="text-sm text-muted-foreground" data-testid="connection-provider">
            {providerLine(c)}
          </p>
        </div>
        <StatusBadge health={c.health} />
      </div>
      {c.lastError && c.status !== 'revoked' && (
        <p className="text-sm text-destructive" data-testid="last-error">
          Last error: {lastErrorWords(c.lastError)}
        </p>
      )}
      {c.status === 'revoked' && <RevokedNote connection={c} />}
      <TokenTimeline connection={c} />
      <div className="flex flex-wrap gap-2">
        {canRefresh && <RefreshButton connectionId={c.id} accountName={name} label={label} />}
        {c.status !== 'active' && (
          <Button asChild size="sm" variant={canRefresh ? 'outline' : 'default'} data-testid="reconnect">
            <a href={reconnectHref(c, `/connections/${c.id}`)} aria-label={`Reconnect ${label}`}>
              <RotateCcw aria-hidden="true" /> Reconnect
            </a>
          </Button>
        )}
        {c.status !== 'revoked' && (
          <DisconnectButton
            connectionId={c.id}
            accountName={name}
            label={label}
            providerName={copy.name}
            atProvider={copy.disconnect}
          />
        )}
        {c.status === 'revoked' && <ListToggleButton connectionId={c.id} label={label} hidden={Boolean(c.hiddenAt)} />}
      </div>
    </section>
  );
}

/** Asks the server for the page again when the connection changed since it was rendered. */
function useRefreshHistoryOnChange(c: ConnectionStatusView) {
  const router = useRouter();
  const version = `${c.updatedAt}|${c.status}|${c.lastRefreshedAt}`;
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    router.refresh();
  }, [version, router]);
}
