import { toCsv } from '@/lib/insights/csv';
import type { InsightsRow } from './insights-math';
import type { InsightsView } from './insights-query';

/**
 * The export is made in the browser from the rows on screen, not fetched again: a sync landing
 * between looking and clicking cannot make the file differ from the page. Same columns, quoting
 * and formula guard as the API's `format=csv` (lib/insights/csv.ts).
 */
export function shownCsv(rows: readonly InsightsRow[]): string {
  return toCsv(rows);
}

export function csvFilename(view: Pick<InsightsView, 'from' | 'to' | 'platform' | 'campaign'>): string {
  const parts = ['insights', view.from, view.to, view.platform, view.campaign ? `campaign-${view.campaign}` : null];
  return `${parts.filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]/g, '_')}.csv`;
}
