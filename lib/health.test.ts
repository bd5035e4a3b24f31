import { describe, expect, it } from 'vitest';
import { publicHealth, sweepsStalled, type Health } from './health';

const MIN = 60_000;
const now = Date.parse('2026-11-21T10:00:00Z');

describe('sweepsStalled', () => {
  it('is degraded when no sweep has completed for five minutes, in any scheduling mode', () => {
    expect(sweepsStalled({ uptimeMs: 60 * MIN, lastFinishedAt: new Date(now - 6 * MIN), now })).toBe(true);
    expect(sweepsStalled({ uptimeMs: 60 * MIN, lastFinishedAt: undefined, now })).toBe(true);
  });

  it('is fine with a recent sweep, or right after start', () => {
    expect(sweepsStalled({ uptimeMs: 60 * MIN, lastFinishedAt: new Date(now - 4 * MIN), now })).toBe(false);
    expect(sweepsStalled({ uptimeMs: 2 * MIN, lastFinishedAt: undefined, now })).toBe(false);
  });
});

describe('publicHealth', () => {
  it('keeps status and counts, drops connection ids, error texts and migration names', () => {
    const id = '0b3c7e8a-1d2f-4a5b-9c6d-7e8f9a0b1c2d';
    const full: Health = {
      status: 'degraded',
      version: '0.1.0',
      commit: null,
      database: { status: 'up', driver: 'postgres', migrations: { applied: 5, pending: ['20261202000200_secret_name.sql'] } },
      scheduler: {
        mode: 'external',
        intervalSec: 60,
        stale: true,
        lastSweep: {
          finishedAt: new Date(now).toISOString(),
          trigger: 'cron',
          durationMs: 12,
          claimed: 3,
          refreshed: 1,
          failed: 2,
          needsReauth: 0,
          errors: 2,
          lastError: `x:${id}: invalid or expired Fernet token`,
        },
      },
    };
    const shown = JSON.stringify(publicHealth(full));
    expect(shown).not.toContain(id);
    expect(shown).not.toContain('Fernet');
    expect(shown).not.toContain('secret_name');
    expect(publicHealth(full)).toMatchObject({ status: 'degraded', scheduler: { stale: true, lastSweep: { failed: 2, errors: 2 } } });
    const down = publicHealth({ ...full, status: 'down', database: { status: 'down', error: 'ECONNREFUSED 127.0.0.1:5432' } });
    expect(down.database).toEqual({ status: 'down', error: 'database_unavailable' });
  });
});
