'use client';

import { useQuery } from '@tanstack/react-query';
import type { ListParams } from './list-params';
import {
  connectionPageKey,
  connectionQueryKey,
  fetchConnection,
  fetchConnectionPage,
  fetchHealth,
  fetchOverview,
  HEALTH_QUERY_KEY,
  OVERVIEW_QUERY_KEY,
  STATUS_POLL_MS,
} from './queries';

/** One connection, hydrated from the server render of its page and polled every 30 s. */
export function useConnection(id: string) {
  return useQuery({
    queryKey: connectionQueryKey(id),
    queryFn: ({ signal }) => fetchConnection(id, signal),
    refetchInterval: STATUS_POLL_MS,
  });
}

/** One page of the dashboard's list (the URL's), hydrated from the server render and polled every 30 s. */
export function useConnectionPage(params: ListParams) {
  return useQuery({
    queryKey: connectionPageKey(params),
    queryFn: ({ signal }) => fetchConnectionPage(params, signal),
    refetchInterval: STATUS_POLL_MS,
  });
}

/** Counts per status and provider and the connections that need a person, polled like the page. */
export function useOverview() {
  return useQuery({ queryKey: OVERVIEW_QUERY_KEY, queryFn: ({ signal }) => fetchOverview(signal), refetchInterval: STATUS_POLL_MS });
}

/**
 * The scheduler's last sweep, as /api/health reports it: polled as often as sweeps run (at most
 * every 5 s, at least every 30 s), so "last sweep" does not lag a fast scheduler by many sweeps.
 */
export function useHealth() {
  return useQuery({
    queryKey: HEALTH_QUERY_KEY,
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: (query) => {
      const sec = query.state.data?.scheduler?.intervalSec;
      return sec ? Math.min(STATUS_POLL_MS, Math.max(5_000, sec * 1000)) : STATUS_POLL_MS;
    },
  });
}
