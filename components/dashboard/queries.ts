/**
 * The dashboard's polled data: query keys, intervals and fetchers, shared by the server (which
 * hydrates the cache) and the client (which polls). Both answers carry no token or secret.
 */
import type { ConnectionOverview, ConnectionPage } from '@/lib/connections/page';
import type { ConnectionStatusView } from '@/lib/connections/status';
import type { Health } from '@/lib/health';
import { statusApiQuery, type ListParams } from './list-params';

/** Every connection query starts with this key: invalidating it refreshes the page, the summary and the detail view. */
export const CONNECTIONS_QUERY_KEY = ['connections'] as const;
export const OVERVIEW_QUERY_KEY = ['connections', 'overview'] as const;
/** One connection, on its own page: read by id, so it is live however far down the list it sits. */
export const connectionQueryKey = (id: string) => ['connections', 'one', id] as const;
/** One page of the dashboard's list, keyed by what the URL asked for. */
export const connectionPageKey = (p: ListParams) => ['connections', 'page', p.provider ?? '', p.status ?? '', p.removed ? 1 : 0, p.cursor ?? ''] as const;
export const HEALTH_QUERY_KEY = ['health'] as const;

/** How often the dashboard asks again without being asked. */
export const STATUS_POLL_MS = 30_000;

export class StatusFetchError extends Error {
  constructor(readonly status: number) {
    super(status === 401 ? 'You are signed out: sign in again to see live status.' : `The server answered HTTP ${status}.`);
    this.name = 'StatusFetchError';
  }
}

export async function fetchConnection(id: string, signal?: AbortSignal): Promise<ConnectionStatusView> {
  const res = await fetch(`/api/v1/connections/${encodeURIComponent(id)}`, { cache: 'no-store', signal });
  if (!res.ok) throw new StatusFetchError(res.status);
  return (await res.json()) as ConnectionStatusView;
}

export async function fetchConnectionPage(p: ListParams, signal?: AbortSignal): Promise<ConnectionPage> {
  const res = await fetch(`/api/v1/oauth/status?${statusApiQuery(p)}`, { cache: 'no-store', signal });
  if (!res.ok) throw new StatusFetchError(res.status);
  const body = (await res.json()) as { connections: ConnectionStatusView[]; next_cursor: string | null; prev_cursor: string | null };
  return { connections: body.connections, nextCursor: body.next_cursor, prevCursor: body.prev_cursor, cursor: p.cursor ?? null };
}

export async function fetchOverview(signal?: AbortSignal): Promise<ConnectionOverview> {
  const res = await fetch('/api/v1/oauth/status/summary', { cache: 'no-store', signal });
  if (!res.ok) throw new StatusFetchError(res.status);
  return (await res.json()) as ConnectionOverview;
}

/** /api/health answers 503 with a body when the database is down: that body is the news. */
export async function fetchHealth(signal?: AbortSignal): Promise<Health> {
  const res = await fetch('/api/health', { cache: 'no-store', signal });
  if (!res.ok && res.status !== 503) throw new StatusFetchError(res.status);
  return (await res.json()) as Health;
}
