'use client';

import { useState } from 'react';
import { Area, AreaChart, CartesianGrid, XAxis, YAxis } from 'recharts';
import { Button } from '@/components/ui/button';
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from '@/components/ui/chart';
import { formatCount, formatDay, formatMoney } from './insights-format';
import { spendKey, type DailyPoint } from './insights-math';

/**
 * The range day by day, one metric at a time. Spend is one metric per currency: a single axis
 * for yen and dollars would flatten one of them, and adding them is meaningless.
 */

interface Metric {
  key: string;
  label: string;
  currency: string | null;
}

/** Spend per currency, clicks where any row reports them (X organic posts do not), impressions. */
export function chartMetrics(currencies: readonly string[], hasClicks: boolean): Metric[] {
  return [
    ...currencies.map((c) => ({ key: spendKey(c), label: currencies.length > 1 ? `Spend (${c})` : 'Spend', currency: c })),
    ...(hasClicks ? [{ key: 'clicks', label: 'Clicks', currency: null }] : []),
    { key: 'impressions', label: 'Impressions', currency: null },
  ];
}

export function DailyChart({ points, currencies, hasClicks }: { points: DailyPoint[]; currencies: string[]; hasClicks: boolean }) {
  const metrics = chartMetrics(currencies, hasClicks);
  // Spend first where there is any; clicks next; X alone has only impressions.
  const [chosen, setChosen] = useState<string | null>(null);
  const fallback = currencies.length ? spendKey(currencies[0]!) : hasClicks ? 'clicks' : 'impressions';
  const metric = metrics.find((m) => m.key === chosen) ?? metrics.find((m) => m.key === fallback)!;
  const config = { [metric.key]: { label: metric.label, color: 'var(--chart-1)' } } satisfies ChartConfig;
  const format = (v: number) => (metric.currency ? formatMoney(v, metric.currency) : formatCount(v));
  const total = points.reduce((n, p) => n + Number(p[metric.key] ?? 0), 0);
  const peak = points.reduce<DailyPoint | null>((best, p) => (best === null || Number(p[metric.key]) > Number(best[metric.key]) ? p : best), null);

  return (
    <section aria-labelledby="insights-chart-heading" className="flex flex-col gap-3 rounded-xl border bg-card p-4" data-testid="insights-chart">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="insights-chart-heading" className="font-semibold">
          Day by day
        </h2>
        <div role="group" aria-label="Metric shown in the chart" className="flex flex-wrap gap-1">
          {metrics.map((m) => (
            <Button
              key={m.key}
              type="button"
              size="sm"
              variant={m.key === metric.key ? 'default' : 'outline'}
              aria-pressed={m.key === metric.key}
              onClick={() => setChosen(m.key)}
              data-testid={`chart-metric-${m.key}`}
            >
              {m.label}
            </Button>
          ))}
        </div>
      </div>
      {/* What the picture shows, for screen readers; the table below has the figures per campaign. */}
      <p className="sr-only" data-testid="chart-summary">
        {metric.label} per day: {format(total)} in total
        {peak && Number(peak[metric.key]) > 0 ? `, highest on ${formatDay(peak.day)} with ${format(Number(peak[metric.key]))}` : ''}.
      </p>
      <ChartContainer config={config} className="aspect-auto h-64 w-full" aria-hidden="true" data-metric={metric.key}>
        <AreaChart data={points} margin={{ left: 4, right: 8, top: 8 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} />
          <XAxis dataKey="day" tickLine={false} axisLine={false} tickMargin={8} minTickGap={24} tickFormatter={formatDay} />
          <YAxis tickLine={false} axisLine={false} width={64} tickFormatter={(v: number) => formatCount(v)} />
          <ChartTooltip
            cursor={false}
            content={<ChartTooltipContent labelFormatter={(l) => (typeof l === 'string' ? formatDay(l) : l)} valueFormatter={(v) => format(v)} />}
          />
          <Area
            dataKey={metric.key}
            type="monotone"
            fill={`var(--color-${metric.key})`}
            fillOpacity={0.2}
            stroke={`var(--color-${metric.key})`}
            strokeWidth={2}
            isAnimationActive={false}
          />
        </AreaChart>
      </ChartContainer>
    </section>
  );
}
