'use client';

import { RotateCcw } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardAction, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { cn } from '@/lib/cn';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { AccountDetails } from './account-details';
import { DisconnectButton } from './disconnect-button';
import { connectionName, lastErrorWords, providerLine, reconnectHref } from './connection-copy';
import { useHighlightedConnection } from './highlight';
import { ListToggleButton } from './list-toggle-button';
import { PROVIDER_COPY } from './provider-copy';
import { RefreshButton } from './refresh-button';
import { RevokedNote } from './revoked-note';
import { StatusBadge } from './status-badge';
import { SyncLine } from './sync-line';
import { TokenTimeline } from './token-timeline';

export function ConnectionCard({ connection: c }: { connection: ConnectionStatusView }) {
  const copy = PROVIDER_COPY[c.provider as keyof typeof PROVIDER_COPY] ?? PROVIDER_COPY.oidc;
  const name = connectionName(c);
  // Every action names its connection: two accounts of one provider must not sound alike.
  const label = `${name} (${copy.name})`;
  const revoked = c.status === 'revoked';
  const canRefresh = c.status === 'active' || c.status === 'error';
  const mustReconnect = c.status !== 'active';
  const highlighted = useHighlightedConnection() === c.id;
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!highlighted) return;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    ref.current?.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
  }, [highlighted]);

  return (
    <Card
      ref={ref}
      className={cn(
        'min-w-0 scroll-mt-4 gap-4 py-4 transition-shadow',
        highlighted && 'ring-[3px] ring-primary ring-offset-2 ring-offset-background',
      )}
      data-testid="connection"
      data-provider={c.provider}
      data-connection-id={c.id}
      data-status={c.status}
      data-highlighted={highlighted || undefined}
      data-hidden={c.hiddenAt ? true : undefined}
    >
      <CardHeader className="px-4">
        <CardTitle data-testid="connection-name" className="break-words">
          {name}
        </CardTitle>
        <CardDescription data-testid="connection-provider">{providerLine(c)}</CardDescription>
        <CardAction>
          <StatusBadge health={c.health} />
        </CardAction>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 px-4 text-sm">
        {c.lastError && !revoked && (
          <p className="text-destructive" data-testid="last-error">
            Last error: {lastErrorWords(c.lastError)}
          </p>
        )}
        {revoked && <RevokedNote connection={c} />}
        <TokenTimeline connection={c} />
        <SyncLine connection={c} label={label} />
        <AccountDetails provider={c.provider} metadata={c.metadata} />
        {c.scopes.length > 0 && (
          <p className="text-xs break-words text-muted-foreground">
            Scopes: <span className="font-mono">{c.scopes.join(' ')}</span>
          </p>
        )}
      </CardContent>
      <CardFooter className="mt-auto flex flex-wrap gap-2 px-4">
        {canRefresh && <RefreshButton connectionId={c.id} accountName={name} label={label} />}
        {mustReconnect && (
          <Button asChild size="sm" variant={canRefresh ? 'outline' : 'default'} data-testid="reconnect">
            <a href={reconnectHref(c)} aria-label={`Reconnect ${label}`}>
              <RotateCcw aria-hidden="true" /> Reconnect
            </a>
          </Button>
        )}
        <Button asChild size="sm" variant="ghost" data-testid="details-link">
          <Link href={`/connections/${c.id}`} prefetch={false} aria-label={`Details of ${label}`}>
            Details
          </Link>
        </Button>
        {!revoked && (
          <DisconnectButton
            connectionId={c.id}
            accountName={name}
            label={label}
            providerName={copy.name}
            atProvider={copy.disconnect}
          />
        )}
        {revoked && <ListToggleButton connectionId={c.id} label={label} hidden={Boolean(c.hiddenAt)} />}
      </CardFooter>
    </Card>
  );
}
