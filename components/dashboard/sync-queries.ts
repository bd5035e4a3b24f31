/**
 * The campaign sync's polled data (GET /api/v1/analytics/sync-status): query key, intervals and
 * fetcher, shared by the server (which hydrates the cache) and the client (which polls).
 */
import type { describeSyncStatus } from '@/lib/insights/status';
import { INSIGHT_PROVIDERS } from '@/lib/insights/types';
import { StatusFetchError, STATUS_POLL_MS } from './queries';

export type SyncStatus = Awaited<ReturnType<typeof describeSyncStatus>>;
export type SyncTargetView = SyncStatus['targets'][number];

export const SYNC_STATUS_QUERY_KEY = ['insights-sync-status'] as const;

/** While a run is going, ask often enough that "12 of 30 days" moves; otherwise as often as the rest of the dashboard. */
export const SYNC_ACTIVE_POLL_MS = 2_000;

export function syncPollInterval(status: SyncStatus | undefined): number {
  return status?.targets.some((t) => t.state === 'syncing') ? SYNC_ACTIVE_POLL_MS : STATUS_POLL_MS;
}

/** The API's largest page (lib/api-schemas/paging.ts PAGE_LIMIT.max): few requests even for thousands of targets. */
const SYNC_STATUS_PAGE = 500;

/**
 * Every target, page after page: a card's sync line and the health card's count need them all, and
 * the API answers a page at a time. The 7-day counts are the same on every page.
 */
export async function fetchSyncStatus(signal?: AbortSignal): Promise<SyncStatus> {
  const targets: SyncTargetView[] = [];
  let cursor: string | null = null;
  let last7Days: SyncStatus['last7Days'] = [];
  do {
    const query: string = `limit=${SYNC_STATUS_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(`/api/v1/analytics/sync-status?${query}`, { cache: 'no-store', signal });
    if (!res.ok) throw new StatusFetchError(res.status);
    const page = (await res.json()) as SyncStatus & { next_cursor: string | null };
    targets.push(...page.targets);
    last7Days = page.last7Days;
    cursor = page.next_cursor;
  } while (cursor);
  return { targets, last7Days };
}

/** Platforms whose accounts have campaign figures to sync. */
export const hasCampaignSync = (provider: string): boolean => (INSIGHT_PROVIDERS as readonly string[]).includes(provider);
