import { formatDistanceStrict } from 'date-fns';

/** Words and dates for times on the dashboard. Pure: callers pass `now` and the time zone. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** "in 8 seconds", "12 minutes ago". */
export function relativeWords(target: string | number, now: number): string {
  const t = typeof target === 'string' ? Date.parse(target) : target;
  if (Math.abs(t - now) < 1000) return t > now ? 'in a moment' : 'just now';
  return formatDistanceStrict(t, now, { addSuffix: true });
}

/** For moments already past (a status read): never "in a moment" when the ticking clock is a little behind. */
export function pastWords(target: string | number, now: number): string {
  const t = typeof target === 'string' ? Date.parse(target) : target;
  return t >= now - 1000 ? 'just now' : relativeWords(t, now);
}

/** A distance for long horizons: "212 days" rather than "7 months"; shorter ones as they come. */
export function distanceWords(target: string, now: number): string {
  const t = Date.parse(target);
  return Math.abs(t - now) >= 2 * DAY_MS
    ? formatDistanceStrict(t, now, { unit: 'day', roundingMethod: 'floor' })
    : formatDistanceStrict(t, now);
}

/** "2027-01-19" in the given time zone. */
export function formatDay(iso: string, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

/** "21 Nov 2026, 10:31:05 UTC" in the given time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** "00:00:38", "1d 02:03:04": what the countdown shows. */
export function clockText(ms: number): string {
  if (ms <= 0) return 'expired';
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((total % 86_400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}

/** "14 ms", "1.2 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
