import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { clampWindow, daysIn, nextScheduledAt, scheduledWindow, splitWindow, todayIn, unreadableRangeMessage } from './windows';

const settings = parseEnv({ NODE_ENV: 'test' }).insights;

describe('sync windows (insights.md "Windows")', () => {
  it('the first sync backfills INSIGHTS_BACKFILL_DAYS through today; later runs re-read each provider’s lookback', () => {
    expect(scheduledWindow('linkedin', settings, '2026-12-02', true)).toEqual({ from: '2026-11-03', to: '2026-12-02' });
    expect(daysIn(scheduledWindow('meta', settings, '2026-12-02', true))).toBe(30);
    expect(scheduledWindow('meta', settings, '2026-12-02', false)).toEqual({ from: '2026-11-04', to: '2026-12-02' });
    expect(scheduledWindow('amazon-ads', settings, '2026-12-02', false)).toEqual({ from: '2026-11-29', to: '2026-12-02' });
    expect(scheduledWindow('linkedin', settings, '2026-12-02', false)).toEqual({ from: '2026-11-25', to: '2026-12-02' });
  });

  it('reads the variables: backfill days and per-provider lookbacks', () => {
    const custom = parseEnv({ NODE_ENV: 'test', INSIGHTS_BACKFILL_DAYS: '90', INSIGHTS_LOOKBACK_DAYS_AMAZON: '5', INSIGHTS: 'off', INSIGHTS_SYNC_INTERVAL_HOURS: '6' }).insights;
    expect(custom).toMatchObject({ enabled: false, backfillDays: 90, intervalSec: 21_600, lookbackDays: { 'amazon-ads': 5, meta: 28, linkedin: 7 } });
    expect(daysIn(scheduledWindow('linkedin', custom, '2026-12-02', true))).toBe(90);
    // Amazon keeps 60 days: a 90-day backfill is capped there.
    expect(scheduledWindow('amazon-ads', custom, '2026-12-02', true)).toEqual({ from: '2026-10-04', to: '2026-12-02' });
    expect(settings.enabled).toBe(true);
  });

  it('a requested backfill never reaches past today or before the provider’s retention', () => {
    expect(clampWindow('amazon-ads', { from: '2025-01-01', to: '2027-01-01' }, '2026-12-02')).toEqual({ from: '2026-10-04', to: '2026-12-02' });
    expect(clampWindow('linkedin', { from: '2025-01-01', to: '2025-02-01' }, '2026-12-02')).toEqual({ from: '2025-01-01', to: '2025-02-01' });
  });

  it('a range with none of its days left is refused, not turned into one day nobody asked for', () => {
    // Wholly older than Amazon's 60 days (the earliest is 2026-10-04).
    expect(clampWindow('amazon-ads', { from: '2026-06-01', to: '2026-06-30' }, '2026-12-02')).toBeNull();
    expect(unreadableRangeMessage('amazon-ads', { from: '2026-06-01', to: '2026-06-30' }, '2026-12-02')).toBe(
      'Amazon Ads keeps daily figures for 60 days, so nothing from 2026-06-01 to 2026-06-30 is left to read. The earliest day that can be backfilled is 2026-10-04.',
    );
    // Wholly after today.
    expect(clampWindow('linkedin', { from: '2026-12-05', to: '2026-12-09' }, '2026-12-02')).toBeNull();
    expect(unreadableRangeMessage('linkedin', { from: '2026-12-05', to: '2026-12-09' }, '2026-12-02')).toMatch(/after today/);
    // The edges still count: the earliest day kept, and today.
    expect(clampWindow('amazon-ads', { from: '2026-06-01', to: '2026-10-04' }, '2026-12-02')).toEqual({ from: '2026-10-04', to: '2026-10-04' });
    expect(clampWindow('amazon-ads', { from: '2026-12-02', to: '2026-12-09' }, '2026-12-02')).toEqual({ from: '2026-12-02', to: '2026-12-02' });
  });

  it('splits long ranges into chunks of at most N days, covering every day once', () => {
    const chunks = splitWindow({ from: '2026-10-04', to: '2026-12-02' }, 31);
    expect(chunks).toEqual([
      { from: '2026-10-04', to: '2026-11-03' },
      { from: '2026-11-04', to: '2026-12-02' },
    ]);
    expect(chunks.reduce((n, c) => n + daysIn(c), 0)).toBe(60);
    expect(splitWindow({ from: '2026-12-02', to: '2026-12-02' }, 31)).toEqual([{ from: '2026-12-02', to: '2026-12-02' }]);
  });

  it('days are the account’s days', () => {
    const now = new Date('2026-12-02T03:00:00Z');
    expect(todayIn('America/Los_Angeles', now)).toBe('2026-12-01');
    expect(todayIn('Asia/Tokyo', now)).toBe('2026-12-02');
    expect(todayIn('Not/AZone', now)).toBe('2026-12-02');
  });

  it('spreads scheduled runs over the interval instead of stacking them at one time', () => {
    const now = Date.parse('2026-12-02T00:00:00Z');
    const slots = Array.from({ length: 200 }, (_, i) => nextScheduledAt(`target-${i}`, 86_400, now).getTime());
    for (const slot of slots) {
      expect(slot).toBeGreaterThan(now + 59_000);
      expect(slot).toBeLessThanOrEqual(now + 86_400_000 + 60_000);
    }
    const hours = new Set(slots.map((s) => new Date(s).getUTCHours()));
    expect(hours.size).toBeGreaterThan(18);
    // Stable per target: the same slot of the day, every day.
    expect(nextScheduledAt('target-1', 86_400, now + 86_400_000).getTime() - nextScheduledAt('target-1', 86_400, now).getTime()).toBe(86_400_000);
  });
});
