/**
 * Calendar days in an IANA time zone, with nothing but the Intl API: which instant a day starts at
 * in a zone. Pure and free of server code, so the audit filter (browser) and its SQL bounds
 * (server) agree. A day is [start of the day, start of the next day).
 */

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `tz` is an IANA zone this runtime knows ("UTC", "America/Los_Angeles"); Intl refuses the rest. */
export function isTimeZone(tz: string): boolean {
  if (tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(tz, f);
  }
  return f;
}

/** The wall clock of `tz` at instant `ms`, read as if it were UTC (so subtracting gives the offset). */
function wallClock(ms: number, tz: string): number {
  const parts = Object.fromEntries(formatIn(tz).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

const offsetAt = (ms: number, tz: string) => wallClock(ms, tz) - Math.floor(ms / 1000) * 1000;

/** The next calendar day of YYYY-MM-DD. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first instant of calendar day `day` (YYYY-MM-DD) in zone `tz`. Midnight under the offset in
 * force a day before, at, or a day after it; of those that fall on `day` the earliest wins, which
 * is right across daylight-saving changes, including a midnight that does not exist (the day then
 * starts at 01:00) or happens twice.
 */
export function startOfDayIn(day: string, tz: string): Date {
  if (!DAY.test(day)) throw new RangeError(`not a day: ${day}`);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  const candidates = [midnight - DAY_MS, midnight, midnight + DAY_MS].map((at) => midnight - offsetAt(at, tz));
  const onDay = candidates.filter((t) => new Date(wallClock(t, tz)).toISOString().slice(0, 10) === day);
  return new Date(Math.min(...(onDay.length ? onDay : candidates)));
}

/** The instants bounding days `from`..`to` (both included) in `tz`: created_at >= from and < to. */
export function dayBoundsIn(tz: string, from?: string, to?: string): { from: Date | null; to: Date | null } {
  return { from: from ? startOfDayIn(from, tz) : null, to: to ? startOfDayIn(nextDay(to), tz) : null };
}

/** The browser's (or server's) own zone; UTC when the runtime will not say. */
export function localTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz && isTimeZone(tz) ? tz : 'UTC';
}
