import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';

/**
 * How the page writes figures: one locale (the app's copy is English, and server and browser must
 * agree), money in its own currency, ratios to a sensible precision, "—" where there is no figure.
 */

const LOCALE = 'en-US';
const count = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const NO_FIGURE = '—';

function money(currency: string): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
  } catch {
    // Not an ISO 4217 code: the number and the code as the provider sent it.
    return new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
}

export function formatMoney(value: string | number | null, currency: string | null): string {
  if (value === null || currency === null) return NO_FIGURE;
  const f = money(currency);
  const text = f.format(Number(value));
  return f.resolvedOptions().style === 'currency' ? text : `${text} ${currency}`;
}

export function formatCount(value: string | number | null): string {
  return value === null ? NO_FIGURE : count.format(Number(value));
}

export function formatPercent(value: number | null): string {
  return value === null ? NO_FIGURE : percent.format(value);
}

export function platformName(provider: string): string {
  return PROVIDER_COPY[provider as keyof typeof PROVIDER_COPY]?.name ?? provider;
}

/** 2026-11-03 → "Nov 3", in UTC: the day is the account's calendar day, not a moment. */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(LOCALE, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
