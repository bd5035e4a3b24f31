import { describe, expect, it } from 'vitest';
import { dayBoundsIn, isTimeZone, nextDay, startOfDayIn } from '@/lib/time-zones';

/** Which instants bound the audit filter's days: the user's days, not UTC's. */
describe('days in a time zone', () => {
  it('a day in UTC−8 starts at 08:00 UTC, so "today" keeps the evening that UTC calls tomorrow', () => {
    expect(startOfDayIn('2026-12-03', 'America/Los_Angeles').toISOString()).toBe('2026-12-03T08:00:00.000Z');
    const today = dayBoundsIn('America/Los_Angeles', '2026-12-03', '2026-12-03');
    expect(today).toEqual({ from: new Date('2026-12-03T08:00:00Z'), to: new Date('2026-12-04T08:00:00Z') });
    // 19:30 on Dec 3 in Los Angeles is 03:30 on Dec 4 in UTC: inside the day.
    const evening = Date.parse('2026-12-04T03:30:00Z');
    expect(evening >= today.from!.getTime() && evening < today.to!.getTime()).toBe(true);
  });

  it('east of UTC the day starts the evening before in UTC; UTC is UTC', () => {
    expect(startOfDayIn('2026-12-03', 'Asia/Kolkata').toISOString()).toBe('2026-12-02T18:30:00.000Z');
    expect(startOfDayIn('2026-12-03', 'Pacific/Kiritimati').toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(startOfDayIn('2026-12-03', 'UTC').toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });

  it('follows daylight saving: the day before, of and after a change', () => {
    // US: 2026-03-08 02:00 PST → 03:00 PDT; 2026-11-01 02:00 PDT → 01:00 PST.
    expect(startOfDayIn('2026-03-08', 'America/Los_Angeles').toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(startOfDayIn('2026-03-09', 'America/Los_Angeles').toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(startOfDayIn('2026-11-01', 'America/Los_Angeles').toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(startOfDayIn('2026-11-02', 'America/Los_Angeles').toISOString()).toBe('2026-11-02T08:00:00.000Z');
    // The 23- and 25-hour days are whole.
    const spring = dayBoundsIn('America/Los_Angeles', '2026-03-08', '2026-03-08');
    expect(spring.to!.getTime() - spring.from!.getTime()).toBe(23 * 3_600_000);
    const fall = dayBoundsIn('America/Los_Angeles', '2026-11-01', '2026-11-01');
    expect(fall.to!.getTime() - fall.from!.getTime()).toBe(25 * 3_600_000);
  });

  it('a midnight that does not exist: the day starts at 01:00', () => {
    // Chile, 2022-09-11: 00:00 −04 → 01:00 −03, so the day starts at 04:00 UTC.
    expect(startOfDayIn('2022-09-11', 'America/Santiago').toISOString()).toBe('2022-09-11T04:00:00.000Z');
    expect(startOfDayIn('2022-09-12', 'America/Santiago').toISOString()).toBe('2022-09-12T03:00:00.000Z');
  });

  it('open ends stay open; month and year ends roll over', () => {
    expect(dayBoundsIn('Europe/Berlin', undefined, '2026-12-31')).toEqual({ from: null, to: new Date('2026-12-31T23:00:00Z') });
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it('knows a zone from a made-up or hostile one', () => {
    for (const tz of ['UTC', 'America/Los_Angeles', 'Etc/GMT+8', 'America/Argentina/Buenos_Aires']) expect(isTimeZone(tz), tz).toBe(true);
    for (const tz of ['', 'Mars/Olympus', "UTC'; drop table x", '../etc/passwd', 'a'.repeat(65)]) expect(isTimeZone(tz), tz).toBe(false);
    expect(() => startOfDayIn('yesterday', 'UTC')).toThrow(RangeError);
  });
});
