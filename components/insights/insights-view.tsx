'use client';

import { Download, Info } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { CampaignTable } from './campaign-table';
import { DailyChart } from './daily-chart';
import { freshnessOf } from './freshness';
import { csvFilename, shownCsv } from './insights-csv';
import { InsightsFilters, type AccountChoice } from './insights-filters';
import { platformName } from './insights-format';
import { computeKpis, dailySeries, type InsightsRow } from './insights-math';
import { insightsHref, shownRows, type InsightsView as View, type Platform } from './insights-query';
import { InsightsError, InsightsNoData, InsightsSkeleton } from './insights-states';
import { KpiTiles } from './kpi-tiles';
import { InsightsFetchError, useInsights } from './use-insights';

/**
 * The /insights page below its heading. The view lives in the URL (replaceState: no server round
 * trip per change); the rows come from the insights API, and everything shown, the CSV included,
 * is made from the same rows.
 */

function download(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // The click has handed the blob to the download by now; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The campaigns in the answer; the same names recur across accounts, so each says where it runs. */
function campaignChoices(rows: readonly InsightsRow[], accountNames: ReadonlyMap<string, string>) {
  const seen = new Map<string, string>();
  for (const r of rows) {
    if (!seen.has(r.campaign_id)) seen.set(r.campaign_id, `${r.campaign_name ?? r.campaign_id} · ${platformName(r.provider)} ${accountNames.get(`${r.provider}:${r.account_id}`) ?? r.account_id}`);
  }
  return [...seen.entries()].map(([id, label]) => ({ id, label })).sort((a, b) => a.label.localeCompare(b.label));
}

function Results({ rows, view, updating, accountNames }: { rows: InsightsRow[]; view: View; updating: boolean; accountNames: ReadonlyMap<string, string> }) {
  const kpis = computeKpis(rows);
  return (
    <div className={updating ? 'flex flex-col gap-4 opacity-60 transition-opacity' : 'flex flex-col gap-4'}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground" data-testid="insights-row-count">
          {updating ? 'Updating…' : `${rows.length} daily campaign row${rows.length === 1 ? '' : 's'}, ${view.from} to ${view.to}`}
        </p>
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={updating}
          onClick={() => download(shownCsv(rows), csvFilename(view))}
          data-testid="insights-export"
        >
          <Download aria-hidden="true" />
          Download CSV
        </Button>
      </div>
      <KpiTiles kpis={kpis} />
      <DailyChart points={dailySeries(rows, view.from, view.to)} currencies={kpis.byCurrency.map((c) => c.currency)} hasClicks={kpis.clicks !== null} />
      <CampaignTable rows={rows} accountNames={accountNames} />
    </div>
  );
}

export function InsightsView({
  initialView,
  today,
  platforms,
  accounts,
  moreAccounts = false,
  lookbackDays,
  syncing,
}: {
  initialView: View;
  today: string;
  /** The platforms with synced ad accounts (read apart from the accounts, which are capped). */
  platforms: Platform[];
  accounts: AccountChoice[];
  /** Only the first accounts with figures are listed. */
  moreAccounts?: boolean;
  lookbackDays: Record<Platform, number>;
  syncing: boolean;
}) {
  const [view, setView] = useState(initialView);
  const query = useInsights(view);
  const change = (next: View) => {
    setView(next);
    // Next's router follows history.replaceState: the URL is shareable, and nothing re-renders on the server.
    window.history.replaceState(null, '', insightsHref(next));
  };
  const accountNames = new Map(accounts.map((a) => [`${a.provider}:${a.accountId}`, a.name]));
  const shownPlatforms = view.platform ? [view.platform] : platforms;
  const freshness = freshnessOf(shownPlatforms, lookbackDays, view, today);
  const rows = query.data ? shownRows(query.data, view) : [];
  // While another range loads, the previous figures stay (dimmed, export off) instead of a flash of skeletons.
  const state = query.isPending
    ? 'loading'
    : query.isError && !query.data
      ? 'error'
      : query.isPlaceholderData
        ? 'updating'
        : rows.length === 0
          ? 'empty'
          : 'ready';

  return (
    <>
      <InsightsFilters view={view} today={today} platforms={platforms} accounts={accounts} moreAccounts={moreAccounts} campaigns={campaignChoices(query.data ?? [], accountNames)} onChange={change} />
      {(freshness || shownPlatforms.includes('x')) && (
        <ul className="flex flex-col gap-1 text-sm text-muted-foreground" data-testid="insights-notes">
          {freshness && (
            <li className="flex gap-2" data-testid="freshness-note" data-days={freshness.days}>
              <Info className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              <span>
                Figures for the last {freshness.days} days may still change: providers restate recent days, and every sync reads them
                again{freshness.detail ? ` (days re-read: ${freshness.detail})` : ''}.
              </span>
            </li>
          )}
          {shownPlatforms.includes('x') && (
            <li className="flex gap-2" data-testid="x-organic-note">
              <Info className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              <span>
                X figures are organic post metrics (impressions of your posts), not ads: X Ads figures need a separate ads consent that
                Grantkeeper does not ask for yet, so X shows no spend, clicks or conversions.
              </span>
            </li>
          )}
        </ul>
      )}
      <section
        aria-label="Figures"
        aria-busy={query.isFetching ? 'true' : undefined}
        className="flex min-w-0 flex-col gap-4"
        data-testid="insights-results"
        data-state={state}
        data-from={view.from}
        data-to={view.to}
      >
        {(state === 'loading' || (state === 'updating' && rows.length === 0)) && <InsightsSkeleton />}
        {state === 'error' && (
          <InsightsError
            message={query.error instanceof InsightsFetchError ? query.error.message : 'The answer was not what this page expects.'}
            retry={() => void query.refetch()}
            retrying={query.isFetching}
          />
        )}
        {state === 'empty' && <InsightsNoData syncing={syncing} />}
        {(state === 'ready' || (state === 'updating' && rows.length > 0)) && <Results rows={rows} view={view} updating={state === 'updating'} accountNames={accountNames} />}
      </section>
    </>
  );
}
