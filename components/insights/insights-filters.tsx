'use client';

import { platformName } from './insights-format';
import { presetRange, RANGE_PRESETS, type InsightsView, type Platform, type RangePreset } from './insights-query';

export interface AccountChoice {
  provider: Platform;
  accountId: string;
  /** The account's own name (or its id): in the table and the campaign choices. */
  name: string;
  /** Name, currency and platform: in the account choices. */
  label: string;
}

export interface CampaignChoice {
  id: string;
  label: string;
}

const FIELD =
  'h-9 w-full min-w-0 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/70';

/**
 * Range and filters. Native controls (keyboard and screen-reader friendly, a real date picker on a
 * phone); every change applies at once. A narrower platform or account clears the choices below it.
 */
export function InsightsFilters({
  view,
  today,
  platforms,
  accounts,
  campaigns,
  onChange,
}: {
  view: InsightsView;
  today: string;
  platforms: Platform[];
  accounts: AccountChoice[];
  campaigns: CampaignChoice[];
  onChange: (next: InsightsView) => void;
}) {
  const accountChoices = accounts.filter((a) => !view.platform || a.provider === view.platform);
  // A value from the URL that is not among the choices (yet) stays selectable rather than vanishing.
  const campaignChoices = view.campaign && !campaigns.some((c) => c.id === view.campaign) ? [{ id: view.campaign, label: view.campaign }, ...campaigns] : campaigns;
  const setRange = (value: string) => {
    if (value === 'custom') return onChange({ ...view, range: 'custom' });
    const preset = Number(value) as RangePreset;
    onChange({ ...view, range: preset, ...presetRange(preset, today) });
  };
  const setDay = (field: 'from' | 'to', value: string) => {
    const next = { ...view, range: 'custom' as const, [field]: value };
    // Half-typed or reversed days are not applied; the inputs' min and max keep the order.
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && next.from <= next.to) onChange(next);
  };

  return (
    <form
      role="search"
      aria-label="Choose the days and the campaigns"
      onSubmit={(e) => e.preventDefault()}
      className="grid gap-3 rounded-xl border bg-card p-4 sm:grid-cols-2 lg:grid-cols-6"
      data-testid="insights-filters"
    >
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="insights-range" className="font-medium">
          Days
        </label>
        <select id="insights-range" value={String(view.range)} onChange={(e) => setRange(e.target.value)} className={FIELD} data-testid="filter-range">
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={String(p)}>
              Last {p} days
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      <div className="grid min-w-0 grid-cols-2 gap-2 text-sm lg:col-span-4">
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor="insights-from" className="font-medium">
            From
          </label>
          <input id="insights-from" type="date" value={view.from} max={view.to} onChange={(e) => setDay('from', e.target.value)} className={FIELD} data-testid="filter-from" />
        </div>
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor="insights-to" className="font-medium">
            To
          </label>
          <input id="insights-to" type="date" value={view.to} min={view.from} max={today} onChange={(e) => setDay('to', e.target.value)} className={FIELD} data-testid="filter-to" />
        </div>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="insights-platform" className="font-medium">
          Platform
        </label>
        <select
          id="insights-platform"
          value={view.platform ?? ''}
          onChange={(e) => onChange({ ...view, platform: (e.target.value || null) as Platform | null, account: null, campaign: null })}
          className={FIELD}
          data-testid="filter-platform"
        >
          <option value="">All platforms</option>
          {platforms.map((p) => (
            <option key={p} value={p}>
              {platformName(p)}
            </option>
          ))}
        </select>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="insights-account" className="font-medium">
          Account
        </label>
        <select
          id="insights-account"
          value={view.account ?? ''}
          onChange={(e) => onChange({ ...view, account: e.target.value || null, campaign: null })}
          className={FIELD}
          data-testid="filter-account"
        >
          <option value="">All accounts</option>
          {accountChoices.map((a) => (
            <option key={`${a.provider}:${a.accountId}`} value={a.accountId}>
              {a.label}
            </option>
          ))}
        </select>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="insights-campaign" className="font-medium">
          Campaign
        </label>
        <select
          id="insights-campaign"
          value={view.campaign ?? ''}
          onChange={(e) => onChange({ ...view, campaign: e.target.value || null })}
          className={FIELD}
          data-testid="filter-campaign"
        >
          <option value="">All campaigns</option>
          {campaignChoices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
