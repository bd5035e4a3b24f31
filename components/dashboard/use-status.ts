'use client';

import { useQuery } from '@tanstack/react-query';
import {
  CONNECTIONS_QUERY_KEY,
  fetchConnections,
  fetchHealth,
  HEALTH_QUERY_KEY,
  STATUS_POLL_MS,
} from './queries';

/** The user's connections, hydrated from the server render and polled every 30 s. */
export function useConnections() {
  return useQuery({
    queryKey: CONNECTIONS_QUERY_KEY,
    queryFn: ({ signal }) => fetchConnections(signal),
    refetchInterval: STATUS_POLL_MS,
  });
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
