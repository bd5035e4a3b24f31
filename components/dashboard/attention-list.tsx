'use client';

import Link from 'next/link';
import type { ConnectionHealth } from '@/lib/connections/health';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { connectionName, providerLine } from './connection-copy';
import { Skeleton } from '@/components/ui/skeleton';
import { StatusBadge } from './status-badge';
import { useConnections } from './use-status';

const ORDER: Partial<Record<ConnectionHealth, number>> = { needs_reauth: 0, error: 1, expiring_soon: 2 };

const WHY: Partial<Record<ConnectionHealth, (c: ConnectionStatusView) => string>> = {
  needs_reauth: () => 'The provider no longer accepts the grant: reconnect it.',
  error: (c) => c.lastError?.message ?? 'Refreshing keeps failing: try Refresh now or reconnect.',
  expiring_soon: (c) =>
    c.hasRefreshToken
      ? 'Its refresh token ends soon: reconnect before then.'
      : c.provider === 'meta'
        ? 'Its long-lived token ends soon: reconnect before then.'
        : 'It cannot be refreshed and ends soon: reconnect before then.',
};

/** Connections a person has to act on, most urgent first, each linked to its page. */
export function AttentionList() {
  const { data } = useConnections();
  if (!data) return <Skeleton className="h-10 w-full" />;
  const items = data
    .filter((c) => ORDER[c.health] !== undefined)
    .sort((a, b) => (ORDER[a.health] ?? 9) - (ORDER[b.health] ?? 9));
  if (items.length === 0) {
    return (
      <p className="text-sm" data-testid="attention-empty">
        {data.some((c) => c.status !== 'revoked')
          ? 'Nothing needs you: every grant is being kept alive.'
          : 'Nothing to watch yet: connect an account below.'}
      </p>
    );
  }
  return (
    <ul className="flex flex-col gap-2 text-sm">
      {items.map((c) => (
        <li key={c.id} data-testid="attention-item" data-connection-id={c.id} className="flex flex-col gap-0.5">
          <span className="flex flex-wrap items-center gap-2">
            <Link
              href={`/connections/${c.id}`}
              prefetch={false}
              className="font-medium break-all text-primary underline underline-offset-4"
            >
              {connectionName(c)}
            </Link>
            <StatusBadge health={c.health} />
          </span>
          <span className="text-muted-foreground">
            {providerLine(c)}. {WHY[c.health]?.(c)}
          </span>
        </li>
      ))}
    </ul>
  );
}
