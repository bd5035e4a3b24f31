import type { InsightSettings } from '../env';
import type { Day, DayRange, InsightProvider } from './types';

/**
 * Which days a run reads (insights.md "Windows"): the first sync backfills, every later one
 * re-reads the provider's restatement window through today so far; ranges are cut into chunks
 * each provider accepts in one request or report.
 */

/** How far back each provider keeps daily figures, in days. Amazon: 60 (Airbyte's cap, smaller than the 95 days in [AZ7]); Meta: 37 months. */
export const RETENTION_DAYS: Record<InsightProvider, number | null> = {
  'amazon-ads': 60,
  meta: 1_124,
  linkedin: null,
  x: null,
};

/** Longest range per request or report: Amazon ≤ 31 days per report [AZ7]; the others kept as small. */
export const CHUNK_DAYS: Record<InsightProvider, number> = { 'amazon-ads': 31, linkedin: 31, meta: 31, x: 31 };

const DAY_MS = 86_400_000;

export function addDays(day: Day, n: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysIn(range: DayRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** Today in an IANA time zone; UTC when the zone is unknown. */
export function todayIn(timeZone: string, now: Date = new Date()): Day {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** The window of a scheduled run: a backfill on the first sync, the lookback afterwards; both end today. */
export function scheduledWindow(
  provider: InsightProvider,
  settings: Pick<InsightSettings, 'backfillDays' | 'lookbackDays'>,
  today: Day,
  firstSync: boolean,
): DayRange {
  const span = firstSync ? settings.backfillDays - 1 : settings.lookbackDays[provider];
  // Ends today, so some of it is always left.
  return clampWindow(provider, { from: addDays(today, -span), to: today }, today) ?? { from: today, to: today };
}

/** The oldest day the provider still has, or null when it keeps everything. */
export function earliestDay(provider: InsightProvider, today: Day): Day | null {
  const retention = RETENTION_DAYS[provider];
  return retention === null ? null : addDays(today, -(retention - 1));
}

/**
 * Keeps a range within what the provider still has and never past today; null when none of it is
 * left (wholly older than the retention, or wholly after today): a one-day stand-in would read a
 * day nobody asked for.
 */
export function clampWindow(provider: InsightProvider, range: DayRange, today: Day): DayRange | null {
  const to = range.to > today ? today : range.to;
  const earliest = earliestDay(provider, today);
  const from = earliest && range.from < earliest ? earliest : range.from;
  return from > to ? null : { from, to };
}

const PROVIDER_NAMES: Record<InsightProvider, string> = { 'amazon-ads': 'Amazon Ads', linkedin: 'LinkedIn', meta: 'Meta', x: 'X' };

/** Why clampWindow left nothing of a range, in words for the person who asked for it. */
export function unreadableRangeMessage(provider: InsightProvider, range: DayRange, today: Day): string {
  if (range.from > today) return `Nothing to read yet: ${range.from} is after today (${today}) in the account’s time zone.`;
  return (
    `${PROVIDER_NAMES[provider]} keeps daily figures for ${RETENTION_DAYS[provider]} days, so nothing from ${range.from} to ${range.to} ` +
    `is left to read. The earliest day that can be backfilled is ${earliestDay(provider, today)}.`
  );
}

/** Consecutive chunks of at most `maxDays` covering the range. */
export function splitWindow(range: DayRange, maxDays: number): DayRange[] {
  const chunks: DayRange[] = [];
  for (let from = range.from; from <= range.to; from = addDays(from, maxDays)) {
    const end = addDays(from, maxDays - 1);
    chunks.push({ from, to: end < range.to ? end : range.to });
  }
  return chunks;
}

/** A stable offset in [0, 1) per target, so scheduled runs spread over the interval instead of all at midnight. */
export function spreadFraction(targetId: string): number {
  let h = 2166136261;
  for (let i = 0; i < targetId.length; i++) h = Math.imul(h ^ targetId.charCodeAt(i), 16777619);
  // FNV's high bits barely move for ids that differ at the end: mix them (murmur3's finaliser).
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** The target's next slot after `now`: slots are `interval` apart at the target's own offset, at least a minute away. */
export function nextScheduledAt(targetId: string, intervalSec: number, now: number = Date.now()): Date {
  const intervalMs = intervalSec * 1000;
  const offset = Math.floor(spreadFraction(targetId) * intervalMs);
  const earliest = now + 60_000;
  const slot = Math.ceil((earliest - offset) / intervalMs) * intervalMs + offset;
  return new Date(slot);
}
