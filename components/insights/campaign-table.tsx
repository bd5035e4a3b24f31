'use client';

import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { campaignRows, sortCampaigns, type CampaignRow, type SortDirection, type SortKey } from './campaign-rows';
import { formatCount, formatMoney, formatPercent, platformName } from './insights-format';
import type { InsightsRow } from './insights-math';

/** How many campaigns show before "Show all". */
export const TOP_CAMPAIGNS = 10;

const COLUMNS: { key: SortKey; label: string; numeric: boolean; cell: (r: CampaignRow) => string }[] = [
  { key: 'spend', label: 'Spend', numeric: true, cell: (r) => formatMoney(r.spend, r.currency) },
  { key: 'impressions', label: 'Impressions', numeric: true, cell: (r) => formatCount(r.impressions) },
  { key: 'clicks', label: 'Clicks', numeric: true, cell: (r) => formatCount(r.clicks) },
  { key: 'ctr', label: 'CTR', numeric: true, cell: (r) => formatPercent(r.ctr) },
  { key: 'cpc', label: 'CPC', numeric: true, cell: (r) => formatMoney(r.cpc, r.currency) },
  { key: 'conversions', label: 'Conversions', numeric: true, cell: (r) => formatCount(r.conversions) },
  { key: 'costPerConversion', label: 'Cost / conversion', numeric: true, cell: (r) => formatMoney(r.costPerConversion, r.currency) },
];

function SortButton({ label, active, direction, onClick }: { label: string; active: boolean; direction: SortDirection; onClick: () => void }) {
  const Icon = !active ? ArrowUpDown : direction === 'asc' ? ArrowUp : ArrowDown;
  return (
    <button type="button" onClick={onClick} className="inline-flex items-center gap-1 rounded-sm font-medium hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/70 focus-visible:outline-none">
      {label}
      <Icon className="size-3.5 text-muted-foreground" aria-hidden="true" />
    </button>
  );
}

/** Campaigns over the range, sortable by every column (a second click reverses); the top ten first. */
export function CampaignTable({ rows, accountNames }: { rows: readonly InsightsRow[]; accountNames: ReadonlyMap<string, string> }) {
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: 'clicks', direction: 'desc' });
  const [showAll, setShowAll] = useState(false);
  const all = sortCampaigns(campaignRows(rows), sort.key, sort.direction);
  const shown = showAll ? all : all.slice(0, TOP_CAMPAIGNS);
  const sortBy = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'name' ? 'asc' : 'desc' }));
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined);

  return (
    <section aria-labelledby="insights-campaigns-heading" className="flex min-w-0 flex-col gap-3 rounded-xl border bg-card p-4" data-testid="campaign-table">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="insights-campaigns-heading" className="font-semibold">
          Top campaigns
        </h2>
        <p className="text-sm text-muted-foreground">
          {shown.length < all.length ? `${shown.length} of ${all.length} campaigns` : `${all.length} campaign${all.length === 1 ? '' : 's'}`}
        </p>
      </div>
      {/* Scrolls sideways on a phone; focusable so a keyboard can scroll it too. */}
      <div role="region" aria-label="Campaigns, scrollable" tabIndex={0} className="relative w-full overflow-x-auto rounded-md focus-visible:ring-[3px] focus-visible:ring-ring/70 focus-visible:outline-none">
        <table className="w-full caption-bottom text-sm">
          <TableHeader>
            <TableRow>
              <TableHead aria-sort={ariaSort('name')}>
                <SortButton label="Campaign" active={sort.key === 'name'} direction={sort.direction} onClick={() => sortBy('name')} />
              </TableHead>
              {COLUMNS.map((c) => (
                <TableHead key={c.key} aria-sort={ariaSort(c.key)} className="text-right" data-testid={`sort-${c.key}`}>
                  <SortButton label={c.label} active={sort.key === c.key} direction={sort.direction} onClick={() => sortBy(c.key)} />
                </TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((r) => (
              <TableRow key={r.key} data-testid="campaign-row" data-campaign={r.campaignId}>
                <TableCell className="max-w-64">
                  <div className="truncate font-medium">{r.name}</div>
                  <div className="truncate text-xs text-muted-foreground">
                    {platformName(r.provider)} · {accountNames.get(`${r.provider}:${r.accountId}`) ?? r.accountId}
                  </div>
                </TableCell>
                {COLUMNS.map((c) => (
                  <TableCell key={c.key} className="text-right tabular-nums" data-column={c.key}>
                    {c.cell(r)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </table>
      </div>
      {all.length > TOP_CAMPAIGNS && (
        <Button type="button" variant="outline" size="sm" className="self-start" onClick={() => setShowAll((v) => !v)} data-testid="campaigns-show-all">
          {showAll ? `Show the top ${TOP_CAMPAIGNS}` : `Show all ${all.length} campaigns`}
        </Button>
      )}
    </section>
  );
}
