import 'server-only';
import type { InsightSettings } from '../env';
import { amazonAdsInsights } from '../providers/amazon-ads/insights';
import { linkedInInsights } from '../providers/linkedin/insights';
import { metaInsights } from '../providers/meta/insights';
import { metaReportRuns } from '../providers/meta/report-runs';
import { xInsights } from '../providers/x/insights';
import type { InsightFetcher } from './fetcher';
import type { InsightProvider } from './types';

export const INSIGHT_FETCHERS: Record<InsightProvider, InsightFetcher> = {
  'amazon-ads': amazonAdsInsights,
  linkedin: linkedInInsights,
  meta: metaInsights,
  x: xInsights,
};

/**
 * The fetcher for one run: Meta runs over a long window (backfills) use async report runs, which
 * Meta recommends for large reads and which survive a restart by their id; the rest read directly.
 * Decided by the run's window, which never changes, so a resumed run keeps its way of reading.
 */
export function fetcherFor(provider: InsightProvider, daysTotal: number, settings: Pick<InsightSettings, 'metaAsyncAfterDays'>): InsightFetcher {
  if (provider === 'meta' && daysTotal > settings.metaAsyncAfterDays) return metaReportRuns;
  return INSIGHT_FETCHERS[provider];
}
