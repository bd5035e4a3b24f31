/**
 * The campaign sync's polled data (GET /api/v1/analytics/sync-status): query key, intervals and
 * fetcher, shared by the server (which hydrates the cache) and the client (which polls).
 */
import type { describeCardsSyncStatus } from '@/lib/insights/status';
import { INSIGHT_PROVIDERS } from '@/lib/insights/types';
import { StatusFetchError, STATUS_POLL_MS } from './queries';

/** The targets of one page of cards, and the user's summary (target count, 7-day run counts). */
export type SyncStatus = Awaited<ReturnType<typeof describeCardsSyncStatus>>;
export type SyncTargetView = SyncStatus['targets'][number];

/** The prefix of every sync-status query: invalidating it refreshes whichever page is on screen. */
export const SYNC_STATUS_QUERY_KEY = ['insights-sync-status'] as const;

/** One page of cards' sync status is keyed by the connections on it, in page order. */
export const syncStatusKey = (connectionIds: readonly string[]) => [...SYNC_STATUS_QUERY_KEY, connectionIds.join(',')] as const;

/** While a run is going, ask often enough that "12 of 30 days" moves; otherwise as often as the rest of the dashboard. */
export const SYNC_ACTIVE_POLL_MS = 2_000;

export function syncPollInterval(status: SyncStatus | undefined): number {
  return status?.targets.some((t) => t.state === 'syncing') ? SYNC_ACTIVE_POLL_MS : STATUS_POLL_MS;
}

/** The API's largest page (lib/api-schemas/paging.ts PAGE_LIMIT.max): one request unless a page's accounts hold more ad accounts. */
const SYNC_STATUS_PAGE = 500;

/**
 * The sync status of the cards on screen: only their connections' targets (`connection_id`), page
 * after page of the API (one, unless those accounts hold more than 500 ad accounts), and the
 * summary the API sends on every page. Bounded by the page of cards, not by the user's total.
 */
export async function fetchSyncStatus(connectionIds: readonly string[], signal?: AbortSignal): Promise<SyncStatus> {
  const targets: SyncTargetView[] = [];
  let cursor: string | null = null;
  let summary: Omit<SyncStatus, 'targets'> = { last7Days: [], targetCount: 0 };
  do {
    const query = new URLSearchParams({ limit: String(SYNC_STATUS_PAGE), connection_id: connectionIds.join(',') });
    if (cursor) query.set('cursor', cursor);
    const res = await fetch(`/api/v1/analytics/sync-status?${query}`, { cache: 'no-store', signal });
    if (!res.ok) throw new StatusFetchError(res.status);
    const page = (await res.json()) as SyncStatus & { next_cursor: string | null };
    targets.push(...page.targets);
    summary = { last7Days: page.last7Days, targetCount: page.targetCount };
    cursor = page.next_cursor;
  } while (cursor);
  return { targets, ...summary };
}

/** Platforms whose accounts have campaign figures to sync. */
export const hasCampaignSync = (provider: string): boolean => (INSIGHT_PROVIDERS as readonly string[]).includes(provider);
