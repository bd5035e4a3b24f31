'use client';

import * as React from 'react';
import * as Recharts from 'recharts';
import type { LegendPayload, TooltipPayloadEntry } from 'recharts';

import { cn } from '@/lib/cn';

/**
 * shadcn/ui's chart building blocks on Recharts (https://ui.shadcn.com/docs/components/chart): a
 * container that sizes the chart and turns a config into `--color-<key>` custom properties per
 * theme, and tooltip and legend contents in the app's tokens. Charts are composed from Recharts
 * itself; nothing here wraps it. Only styles are inline (a <style> element and style attributes),
 * which the Content-Security-Policy allows; no script is.
 */

// Theme name → the selector that turns it on (globals.css: `.dark`, or the system's dark without `.light`).
const THEMES = { light: '', dark: '.dark' } as const;

export type ChartConfig = Record<
  string,
  { label?: React.ReactNode; icon?: React.ComponentType } & (
    | { color?: string; theme?: never }
    | { color?: never; theme: Record<keyof typeof THEMES, string> }
  )
>;

const ChartContext = React.createContext<{ config: ChartConfig } | null>(null);

function useChart() {
  const context = React.useContext(ChartContext);
  if (!context) throw new Error('useChart must be used within a <ChartContainer />');
  return context;
}

function ChartContainer({
  id,
  className,
  children,
  config,
  ...props
}: React.ComponentProps<'div'> & {
  config: ChartConfig;
  children: React.ComponentProps<typeof Recharts.ResponsiveContainer>['children'];
}) {
  const uniqueId = React.useId();
  const chartId = `chart-${id ?? uniqueId.replace(/[^A-Za-z0-9_-]/g, '')}`;
  return (
    <ChartContext.Provider value={{ config }}>
      <div
        data-slot="chart"
        data-chart={chartId}
        className={cn(
          "flex aspect-video justify-center text-xs [&_.recharts-cartesian-axis-tick_text]:fill-muted-foreground [&_.recharts-cartesian-grid_line[stroke='#ccc']]:stroke-border/50 [&_.recharts-curve.recharts-tooltip-cursor]:stroke-border [&_.recharts-dot[stroke='#fff']]:stroke-transparent [&_.recharts-layer]:outline-hidden [&_.recharts-rectangle.recharts-tooltip-cursor]:fill-muted [&_.recharts-reference-line_[stroke='#ccc']]:stroke-border [&_.recharts-surface]:outline-hidden",
          className,
        )}
        {...props}
      >
        <ChartStyle id={chartId} config={config} />
        <Recharts.ResponsiveContainer initialDimension={{ width: 320, height: 200 }}>{children}</Recharts.ResponsiveContainer>
      </div>
    </ChartContext.Provider>
  );
}

/** `--color-<key>` for each configured series, per theme, scoped to this chart. */
function ChartStyle({ id, config }: { id: string; config: ChartConfig }) {
  const colored = Object.entries(config).filter(([, c]) => c.theme ?? c.color);
  if (!colored.length) return null;
  const css = Object.entries(THEMES)
    .map(([theme, prefix]) => {
      const vars = colored
        .map(([key, c]) => {
          const color = c.theme?.[theme as keyof typeof THEMES] ?? c.color;
          return color ? `  --color-${key}: ${color};` : null;
        })
        .filter(Boolean)
        .join('\n');
      return `${prefix} [data-chart=${id}] {\n${vars}\n}`;
    })
    .join('\n');
  return <style dangerouslySetInnerHTML={{ __html: css }} />;
}

const ChartTooltip = Recharts.Tooltip;

function configOf(config: ChartConfig, item: { dataKey?: unknown; name?: unknown }, key?: string) {
  const k = key ?? String(item.dataKey ?? item.name ?? 'value');
  return config[k];
}

function ChartTooltipContent({
  active,
  payload,
  label,
  className,
  hideLabel = false,
  labelFormatter,
  valueFormatter,
}: {
  active?: boolean;
  payload?: readonly TooltipPayloadEntry[];
  label?: string | number;
  className?: string;
  hideLabel?: boolean;
  labelFormatter?: (label: string | number | undefined) => React.ReactNode;
  valueFormatter?: (value: number, key: string) => React.ReactNode;
}) {
  const { config } = useChart();
  if (!active || !payload?.length) return null;
  return (
    <div className={cn('grid min-w-32 items-start gap-1.5 rounded-lg border border-border/50 bg-background px-2.5 py-1.5 text-xs shadow-xl', className)}>
      {!hideLabel && <div className="font-medium">{labelFormatter ? labelFormatter(label) : label}</div>}
      <div className="grid gap-1.5">
        {payload
          .filter((item) => item.type !== 'none')
          .map((item) => {
            const key = String(item.dataKey ?? item.name ?? 'value');
            const itemConfig = configOf(config, item);
            return (
              <div key={key} className="flex w-full items-center gap-2">
                <div
                  className="size-2.5 shrink-0 rounded-[2px] bg-(--color-bg)"
                  style={{ '--color-bg': item.color } as React.CSSProperties}
                />
                <div className="flex flex-1 items-center justify-between gap-3 leading-none">
                  <span className="text-muted-foreground">{itemConfig?.label ?? item.name}</span>
                  {item.value != null && (
                    <span className="font-mono font-medium text-foreground tabular-nums">
                      {typeof item.value === 'number' ? (valueFormatter?.(item.value, key) ?? item.value.toLocaleString()) : String(item.value)}
                    </span>
                  )}
                </div>
              </div>
            );
          })}
      </div>
    </div>
  );
}

const ChartLegend = Recharts.Legend;

function ChartLegendContent({
  className,
  payload,
  verticalAlign = 'bottom',
}: React.ComponentProps<'div'> & { payload?: readonly LegendPayload[]; verticalAlign?: 'top' | 'middle' | 'bottom' }) {
  const { config } = useChart();
  if (!payload?.length) return null;
  return (
    <div className={cn('flex flex-wrap items-center justify-center gap-4', verticalAlign === 'top' ? 'pb-3' : 'pt-3', className)}>
      {payload
        .filter((item) => item.type !== 'none')
        .map((item) => {
          const itemConfig = configOf(config, item as { dataKey?: unknown });
          return (
            <div key={String(item.value)} className="flex items-center gap-1.5">
              <div className="size-2 shrink-0 rounded-[2px]" style={{ backgroundColor: item.color }} />
              {itemConfig?.label ?? item.value}
            </div>
          );
        })}
    </div>
  );
}

export { ChartContainer, ChartLegend, ChartLegendContent, ChartStyle, ChartTooltip, ChartTooltipContent };
