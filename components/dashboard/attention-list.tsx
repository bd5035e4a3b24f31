'use client';

import Link from 'next/link';
import type { ConnectionHealth } from '@/lib/connections/health';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { connectionName, lastErrorWords, providerLine } from './connection-copy';
import { Skeleton } from '@/components/ui/skeleton';
import { StatusBadge } from './status-badge';
import { listHref } from './list-params';
import { useOverview } from './use-status';

const WHY: Partial<Record<ConnectionHealth, (c: ConnectionStatusView) => string>> = {
  needs_reauth: () => 'The provider no longer accepts the grant: reconnect it.',
  error: (c) => (c.lastError?.code === 'key_unavailable' ? lastErrorWords(c.lastError) : (c.lastError?.message ?? 'Refreshing keeps failing: try Refresh now or reconnect.')),
  expiring_soon: (c) =>
    c.hasRefreshToken
      ? 'Its refresh token ends soon: reconnect before then.'
      : c.provider === 'meta'
        ? 'Its long-lived token ends soon: reconnect before then.'
        : 'It cannot be refreshed and ends soon: reconnect before then.',
};

/**
 * Connections a person has to act on, most urgent first (the server orders and caps them: it sees
 * every connection, the list below shows one page), each linked to its page.
 */
export function AttentionList() {
  const { data } = useOverview();
  if (!data) return <Skeleton className="h-10 w-full" />;
  const items = data.attention;
  if (items.length === 0) {
    return (
      <p className="text-sm" data-testid="attention-empty">
        {data.byStatus.active + data.byStatus.needs_reauth + data.byStatus.error > 0
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
      {data.attentionMore && (
        <li className="text-muted-foreground" data-testid="attention-more">
          And more: list those that{' '}
          <Link href={listHref({ status: 'needs_reauth' }, '#connections-heading')} className="text-primary underline underline-offset-4">
            need reconnecting
          </Link>{' '}
          or{' '}
          <Link href={listHref({ status: 'error' }, '#connections-heading')} className="text-primary underline underline-offset-4">
            keep failing
          </Link>
          .
        </li>
      )}
    </ul>
  );
}
