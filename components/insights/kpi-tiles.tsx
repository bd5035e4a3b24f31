import type { Kpis } from './insights-math';
import { formatCount, formatMoney, formatPercent, NO_FIGURE } from './insights-format';

/**
 * The range's totals. Money tiles list one line per currency (never one sum across currencies);
 * each figure carries its exact value in data attributes, so tests compare numbers, not formatting.
 */

function Tile({ label, testId, children, note }: { label: string; testId: string; children: React.ReactNode; note?: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1 rounded-xl border bg-card p-4" data-testid={testId}>
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="text-lg font-semibold break-words tabular-nums sm:text-xl">{children}</dd>
      {note ? <dd className="text-xs text-muted-foreground">{note}</dd> : null}
    </div>
  );
}

function PerCurrency({ items, testId }: { items: { currency: string; value: string | number | null }[]; testId: string }) {
  if (items.length === 0) return <span>{NO_FIGURE}</span>;
  return (
    <ul className="flex flex-col gap-0.5">
      {items.map((i) => (
        <li key={i.currency} data-testid={testId} data-currency={i.currency} data-value={i.value ?? ''}>
          {formatMoney(i.value, i.currency)}
        </li>
      ))}
    </ul>
  );
}

export function KpiTiles({ kpis }: { kpis: Kpis }) {
  const organic = kpis.organicImpressions !== '0';
  return (
    <section aria-labelledby="insights-totals-heading">
      <h2 id="insights-totals-heading" className="sr-only">
        Totals for the range
      </h2>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="kpi-tiles">
        <Tile label="Spend" testId="kpi-spend-tile" note={kpis.byCurrency.length > 1 ? 'One line per currency: never added across currencies.' : undefined}>
          <PerCurrency testId="kpi-spend" items={kpis.byCurrency.map((c) => ({ currency: c.currency, value: c.spend }))} />
        </Tile>
        <Tile label="Impressions" testId="kpi-impressions-tile" note={organic ? `Including ${formatCount(kpis.organicImpressions)} organic X post impressions.` : undefined}>
          <span data-testid="kpi-impressions" data-value={kpis.impressions}>
            {formatCount(kpis.impressions)}
          </span>
        </Tile>
        <Tile label="Clicks" testId="kpi-clicks-tile">
          <span data-testid="kpi-clicks" data-value={kpis.clicks ?? ''}>
            {formatCount(kpis.clicks)}
          </span>
        </Tile>
        <Tile label="CTR" testId="kpi-ctr-tile" note={organic ? 'Organic posts report no clicks and are left out.' : undefined}>
          <span data-testid="kpi-ctr">{formatPercent(kpis.ctr)}</span>
        </Tile>
        <Tile label="Cost per click" testId="kpi-cpc-tile">
          <PerCurrency testId="kpi-cpc" items={kpis.byCurrency.map((c) => ({ currency: c.currency, value: c.cpc }))} />
        </Tile>
        <Tile label="Conversions" testId="kpi-conversions-tile">
          <span data-testid="kpi-conversions" data-value={kpis.conversions ?? ''}>
            {formatCount(kpis.conversions)}
          </span>
        </Tile>
        <Tile label="Cost per conversion" testId="kpi-cpa-tile">
          <PerCurrency testId="kpi-cpa" items={kpis.byCurrency.map((c) => ({ currency: c.currency, value: c.costPerConversion }))} />
        </Tile>
      </dl>
    </section>
  );
}
