'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { InsightsRow } from './insights-math';
import { insightsApiUrl, insightsResponseSchema, type InsightsView } from './insights-query';

export class InsightsFetchError extends Error {
  constructor(readonly status: number) {
    super(status === 401 ? 'You are signed out: sign in again to see your figures.' : `The server answered HTTP ${status}.`);
    this.name = 'InsightsFetchError';
  }
}

async function fetchInsights(url: string, signal: AbortSignal): Promise<InsightsRow[]> {
  const res = await fetch(url, { cache: 'no-store', signal });
  if (!res.ok) throw new InsightsFetchError(res.status);
  return insightsResponseSchema.parse(await res.json()).rows;
}

/**
 * The daily rows for the view's range, platform and account. The previous answer stays on screen
 * (marked as updating) while a new range loads, so the page does not flash empty on every change.
 */
export function useInsights(view: InsightsView) {
  const url = insightsApiUrl(view);
  return useQuery({
    queryKey: ['insights', url],
    queryFn: ({ signal }) => fetchInsights(url, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
