'use client';

import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { fetchSyncStatus, SYNC_STATUS_QUERY_KEY, syncPollInterval } from './sync-queries';

/** Whether this server syncs campaign figures at all (INSIGHTS=off turns it off), from the page that renders. */
const InsightsEnabled = createContext(false);

export function InsightsSyncProvider({ enabled, children }: { enabled: boolean; children: React.ReactNode }) {
  return <InsightsEnabled.Provider value={enabled}>{children}</InsightsEnabled.Provider>;
}

export const useInsightsEnabled = () => useContext(InsightsEnabled);

/** Every sync target's state, hydrated from the server render, polled every 30 s (every 2 s while a run is going). */
export function useSyncStatus() {
  const enabled = useInsightsEnabled();
  return useQuery({
    queryKey: SYNC_STATUS_QUERY_KEY,
    queryFn: ({ signal }) => fetchSyncStatus(signal),
    refetchInterval: (query) => syncPollInterval(query.state.data),
    enabled,
  });
}
