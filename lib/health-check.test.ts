import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * What /api/health reports (issue 11 §6): ok, degraded by a pending migration or stalled sweeps,
 * down with only an error code when the database does not answer.
 */

const m = vi.hoisted(() => ({
  query: vi.fn(),
  migrationStatus: vi.fn(),
  latestSweepRun: vi.fn(),
  env: { scheduler: 'on' as 'on' | 'off' | undefined, refresh: { schedulerIntervalSec: 60 } },
}));

vi.mock('./env', () => ({ getEnv: () => m.env }));
vi.mock('./db', () => ({ getDb: async () => ({ driver: 'postgres', query: m.query }) }));
vi.mock('./db/migrate', () => ({ migrationStatus: m.migrationStatus }));
vi.mock('./db/sweep-runs', () => ({ latestSweepRun: m.latestSweepRun }));

const { checkHealth, publicHealth } = await import('./health');

const now = Date.parse('2026-12-03T03:00:00Z');
const lastRun = {
  finished_at: new Date(now - 30_000),
  trigger: 'scheduler',
  duration_ms: 120,
  claimed: 3,
  refreshed: 2,
  failed: 1,
  needs_reauth: 0,
  errors: ['c1: provider_http_503', 'c2: timeout'],
};

beforeEach(() => {
  m.query.mockReset().mockResolvedValue([]);
  m.migrationStatus.mockReset().mockResolvedValue({ applied: 12, pending: [] });
  m.latestSweepRun.mockReset().mockResolvedValue(lastRun);
  m.env.scheduler = 'on';
  vi.spyOn(process, 'uptime').mockReturnValue(3600);
});
afterEach(() => vi.restoreAllMocks());

describe('checkHealth', () => {
  it('is ok with the database up, no pending migration and a recent sweep, summarising it', async () => {
    const health = await checkHealth(now);
    expect(health.status).toBe('ok');
    expect(health.database).toEqual({ status: 'up', driver: 'postgres', migrations: { applied: 12, pending: [] } });
    expect(health.scheduler).toEqual({
      mode: 'in-process',
      intervalSec: 60,
      stale: false,
      lastSweep: {
        finishedAt: lastRun.finished_at.toISOString(),
        trigger: 'scheduler',
        durationMs: 120,
        claimed: 3,
        refreshed: 2,
        failed: 1,
        needsReauth: 0,
        errors: 2,
        lastError: 'c1: provider_http_503',
      },
    });
  });

  it('is degraded while a migration is pending', async () => {
    m.migrationStatus.mockResolvedValue({ applied: 11, pending: ['20261203000000_x.sql'] });
    expect((await checkHealth(now)).status).toBe('degraded');
  });

  it('is degraded with an external scheduler that never swept, long after start', async () => {
    m.env.scheduler = 'off';
    m.latestSweepRun.mockResolvedValue(undefined);
    const health = await checkHealth(now);
    expect(health.status).toBe('degraded');
    expect(health.scheduler).toMatchObject({ mode: 'external', lastSweep: null, stale: true });
    expect(publicHealth(health).scheduler).toEqual(health.scheduler);
  });

  it('a clean sweep has no last error', async () => {
    m.latestSweepRun.mockResolvedValue({ ...lastRun, errors: [] });
    expect((await checkHealth(now)).scheduler?.lastSweep).toMatchObject({ errors: 0, lastError: null });
  });

  it('is down with the driver error code, or database_unavailable, and nothing else', async () => {
    m.query.mockRejectedValueOnce(Object.assign(new Error('password authentication failed for user "gk"'), { code: '28P01' }));
    const down = await checkHealth(now);
    expect(down).toMatchObject({ status: 'down', database: { status: 'down', error: '28P01' } });
    expect(down).not.toHaveProperty('scheduler');
    expect(JSON.stringify(down)).not.toContain('password');
    m.query.mockRejectedValueOnce(new Error('ECONNREFUSED'));
    expect((await checkHealth(now)).database).toEqual({ status: 'down', error: 'database_unavailable' });
  });

  it('shows a visitor who is not signed in only that the database is unavailable, not its error code', async () => {
    m.query.mockRejectedValueOnce(Object.assign(new Error('no pg_hba.conf entry for host "10.0.0.7"'), { code: '28000' }));
    const shown = publicHealth(await checkHealth(now));
    expect(shown).toMatchObject({ status: 'down', database: { status: 'down', error: 'database_unavailable' } });
    expect(shown).not.toHaveProperty('scheduler');
    expect(JSON.stringify(shown)).not.toMatch(/28000|pg_hba/);
  });
});
