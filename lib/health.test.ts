import { describe, expect, it } from 'vitest';
import { sweepsStalled } from './health';

const MIN = 60_000;
const now = Date.parse('2026-11-21T10:00:00Z');

describe('sweepsStalled', () => {
  it('is degraded when in-process sweeps have not completed for five minutes', () => {
    expect(sweepsStalled({ inProcess: true, uptimeMs: 60 * MIN, lastFinishedAt: new Date(now - 6 * MIN), now })).toBe(true);
    expect(sweepsStalled({ inProcess: true, uptimeMs: 60 * MIN, lastFinishedAt: undefined, now })).toBe(true);
  });

  it('is fine with a recent sweep, right after start, or when an external cron sweeps', () => {
    expect(sweepsStalled({ inProcess: true, uptimeMs: 60 * MIN, lastFinishedAt: new Date(now - 4 * MIN), now })).toBe(false);
    expect(sweepsStalled({ inProcess: true, uptimeMs: 2 * MIN, lastFinishedAt: undefined, now })).toBe(false);
    expect(sweepsStalled({ inProcess: false, uptimeMs: 60 * MIN, lastFinishedAt: undefined, now })).toBe(false);
  });
});
