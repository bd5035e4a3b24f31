import 'server-only';
import { amazonAdsInsights } from '../providers/amazon-ads/insights';
import { linkedInInsights } from '../providers/linkedin/insights';
import { metaInsights } from '../providers/meta/insights';
import { xInsights } from '../providers/x/insights';
import type { InsightFetcher } from './fetcher';
import type { InsightProvider } from './types';

export const INSIGHT_FETCHERS: Record<InsightProvider, InsightFetcher> = {
  'amazon-ads': amazonAdsInsights,
  linkedin: linkedInInsights,
  meta: metaInsights,
  x: xInsights,
};
