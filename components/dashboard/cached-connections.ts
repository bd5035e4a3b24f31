'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { CONNECTIONS_QUERY_KEY } from './queries';

/**
 * A connection from whichever connection query holds it (a list page, the summary's attention list,
 * a connection's own page), read without creating a query: a query created outside the page's
 * HydrationBoundary would make it hydrate in an effect and render the list empty first.
 * undefined: nothing is loaded yet; null: loaded, and this connection is not among it.
 */
export function findCachedConnection(client: QueryClient, id: string): ConnectionStatusView | null | undefined {
  let loaded = false;
  for (const [, data] of client.getQueriesData<unknown>({ queryKey: CONNECTIONS_QUERY_KEY })) {
    if (!data) continue;
    // A connection's own query (its page) holds just that one: it names it, and says nothing of others.
    if (isConnection(data)) {
      if (data.id === id) return data;
      continue;
    }
    // Only a list (a page of cards) can say "not among it": the summary's attention
    // list holds just the connections in trouble, and often hydrates before the page does.
    if (Array.isArray(data) || Array.isArray((data as Record<string, unknown>).connections)) loaded = true;
    const list = Array.isArray(data) ? data : [...listOf(data, 'connections'), ...listOf(data, 'attention')];
    const found = (list as ConnectionStatusView[]).find((c) => c.id === id);
    if (found) return found;
  }
  return loaded ? null : undefined;
}

const isConnection = (data: unknown): data is ConnectionStatusView =>
  typeof data === 'object' && data !== null && !Array.isArray(data) && typeof (data as { id?: unknown }).id === 'string';

const listOf = (data: object, field: string): unknown[] => {
  const v = (data as Record<string, unknown>)[field];
  return Array.isArray(v) ? v : [];
};

export function useCachedConnection(id: string | null): ConnectionStatusView | null | undefined {
  const client = useQueryClient();
  return useSyncExternalStore(
    (onChange) => client.getQueryCache().subscribe(onChange),
    () => (id ? findCachedConnection(client, id) : undefined),
    () => undefined,
  );
}
