'use client';

import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { fetchSyncStatus, syncPollInterval, syncStatusKey } from './sync-queries';

/** Whether this server syncs campaign figures at all (INSIGHTS=off turns it off), from the page that renders. */
const InsightsEnabled = createContext(false);
/** The connections whose cards are on screen: the sync status read is theirs only. */
const CardIds = createContext<readonly string[]>([]);

export function InsightsSyncProvider({ enabled, connectionIds, children }: { enabled: boolean; connectionIds: readonly string[]; children: React.ReactNode }) {
  return (
    <InsightsEnabled.Provider value={enabled}>
      <CardIds.Provider value={connectionIds}>{children}</CardIds.Provider>
    </InsightsEnabled.Provider>
  );
}

/** The cards below are these connections (the list's live page, which may have moved on since the server rendered). */
export function SyncCardsScope({ connectionIds, children }: { connectionIds: readonly string[]; children: React.ReactNode }) {
  return <CardIds.Provider value={connectionIds}>{children}</CardIds.Provider>;
}

export const useInsightsEnabled = () => useContext(InsightsEnabled);

/**
 * The sync state of the targets of the cards on screen and the user's summary, hydrated from the
 * server render, polled every 30 s (every 2 s while one of them syncs). Another page of cards is
 * another query: its lines load rather than show another page's answer.
 */
export function useSyncStatus() {
  const enabled = useInsightsEnabled();
  const ids = useContext(CardIds);
  return useQuery({
    queryKey: syncStatusKey(ids),
    queryFn: ({ signal }) => fetchSyncStatus(ids, signal),
    refetchInterval: (query) => syncPollInterval(query.state.data),
    enabled,
  });
}
