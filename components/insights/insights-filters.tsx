'use client';

import { FIELD, FilterSelect } from './filter-select';
import { platformName } from './insights-format';
import { INSIGHTS_ACCOUNT_CHOICES, PLATFORMS, presetRange, RANGE_PRESETS, type InsightsView, type Platform, type RangePreset } from './insights-query';

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

const RANGE_OPTIONS = [...RANGE_PRESETS.map((p) => ({ value: String(p), label: `Last ${p} days` })), { value: 'custom', label: 'Custom range' }];

/**
 * Range and filters. Native controls (keyboard and screen-reader friendly, a real date picker on a
 * phone); every change applies at once. A narrower platform or account clears the choices below it.
 */
export function InsightsFilters({
  view,
  today,
  platforms,
  accounts,
  moreAccounts = false,
  campaigns,
  onChange,
}: {
  view: InsightsView;
  today: string;
  platforms: Platform[];
  accounts: AccountChoice[];
  /** The accounts are the first of more with figures: the select says so. */
  moreAccounts?: boolean;
  campaigns: CampaignChoice[];
  onChange: (next: InsightsView) => void;
}) {
  const listed = accounts.filter((a) => !view.platform || a.provider === view.platform);
  // An account from the URL beyond the listed ones stays selectable, like a campaign.
  const accountChoices =
    view.account && !listed.some((a) => a.accountId === view.account)
      ? [{ provider: view.platform ?? PLATFORMS[0], accountId: view.account, name: view.account, label: view.account }, ...listed]
      : listed;
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
      <FilterSelect id="insights-range" label="Days" value={String(view.range)} options={RANGE_OPTIONS} onChange={setRange} testId="filter-range" />
      <div className="grid min-w-0 grid-cols-2 gap-2 text-sm lg:col-span-4">
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor="insights-from" className="font-medium">
            From
          </label>
          <input
            id="insights-from"
            type="date"
            value={view.from}
            max={view.to}
            onChange={(e) => setDay('from', e.target.value)}
            aria-describedby="insights-days-zone"
            className={FIELD}
            data-testid="filter-from"
          />
        </div>
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor="insights-to" className="font-medium">
            To
          </label>
          <input
            id="insights-to"
            type="date"
            value={view.to}
            min={view.from}
            max={today}
            onChange={(e) => setDay('to', e.target.value)}
            aria-describedby="insights-days-zone"
            className={FIELD}
            data-testid="filter-to"
          />
        </div>
        {/* The platforms report each account's own calendar days; no one zone could cut them without splitting a day. */}
        <p id="insights-days-zone" className="col-span-2 text-xs text-muted-foreground" data-testid="insights-days-zone">
          Days in each account’s time zone, as its platform reports them (LinkedIn: UTC).
        </p>
      </div>
      <FilterSelect
        id="insights-platform"
        label="Platform"
        value={view.platform ?? ''}
        options={[{ value: '', label: 'All platforms' }, ...platforms.map((p) => ({ value: p, label: platformName(p) }))]}
        onChange={(v) => onChange({ ...view, platform: (v || null) as Platform | null, account: null, campaign: null })}
        testId="filter-platform"
      />
      <div className="flex min-w-0 flex-col gap-1 lg:col-span-2">
        <FilterSelect
          id="insights-account"
          label="Account"
          value={view.account ?? ''}
          options={[{ value: '', label: 'All accounts' }, ...accountChoices.map((a) => ({ value: a.accountId, label: a.label, key: `${a.provider}:${a.accountId}` }))]}
          onChange={(v) => onChange({ ...view, account: v || null, campaign: null })}
          testId="filter-account"
        />
        {moreAccounts && (
          <p className="text-xs text-muted-foreground" data-testid="filter-account-more">
            Only the first {INSIGHTS_ACCOUNT_CHOICES} accounts with figures are listed (by platform and name); “All accounts” includes every one.
          </p>
        )}
      </div>
      <FilterSelect
        id="insights-campaign"
        label="Campaign"
        value={view.campaign ?? ''}
        options={[{ value: '', label: 'All campaigns' }, ...campaignChoices.map((c) => ({ value: c.id, label: c.label }))]}
        onChange={(v) => onChange({ ...view, campaign: v || null })}
        testId="filter-campaign"
      />
    </form>
  );
}
