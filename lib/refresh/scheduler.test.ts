import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The in-process scheduler (issue 11 §6): off on Vercel unless asked, a first sweep a second after
 * start and then one per interval, never two at once, and a failed sweep does not stop it.
 */

const m = vi.hoisted(() => ({
  env: { scheduler: undefined as 'on' | 'off' | undefined, refresh: { schedulerIntervalSec: 60 } },
  runSweep: vi.fn(),
  stop: new AbortController(),
}));

vi.mock('../env', () => ({ getEnv: () => m.env }));
vi.mock('../db', () => ({ getDb: async () => ({ driver: 'pglite' }) }));
vi.mock('./sweep', () => ({ runSweep: m.runSweep }));
vi.mock('../shutdown', () => ({ stopSignal: () => m.stop.signal }));
vi.mock('./provider-resolver', () => ({ internalOrigin: () => 'http://127.0.0.1:3000' }));

const { schedulerEnabled, startScheduler } = await import('./scheduler');

const holder = globalThis as unknown as { grantkeeperScheduler?: { timer: NodeJS.Timeout } };
const summary = { claimed: 0, refreshed: 0, failed: 0, needsReauth: 0, errors: [] as string[] };

beforeEach(() => {
  vi.useFakeTimers();
  m.runSweep.mockReset();
  m.runSweep.mockResolvedValue(summary);
  m.env.scheduler = undefined;
  m.stop = new AbortController();
  delete process.env.VERCEL;
});

afterEach(() => {
  if (holder.grantkeeperScheduler) clearInterval(holder.grantkeeperScheduler.timer);
  delete holder.grantkeeperScheduler;
  delete process.env.VERCEL;
  vi.useRealTimers();
});

describe('schedulerEnabled', () => {
  it('runs by default, is off on Vercel (Cron calls the route), and SCHEDULER overrides both', () => {
    expect(schedulerEnabled({ scheduler: undefined })).toBe(true);
    expect(schedulerEnabled({ scheduler: 'off' })).toBe(false);
    process.env.VERCEL = '1';
    expect(schedulerEnabled({ scheduler: undefined })).toBe(false);
    expect(schedulerEnabled({ scheduler: 'on' })).toBe(true);
  });
});

describe('startScheduler', () => {
  it('sweeps a second after start, then once per interval, as trigger "scheduler"', async () => {
    startScheduler();
    expect(m.runSweep).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.runSweep).toHaveBeenCalledTimes(1);
    expect(m.runSweep).toHaveBeenCalledWith(
      { driver: 'pglite' },
      m.env,
      expect.objectContaining({ trigger: 'scheduler', origin: 'http://127.0.0.1:3000', owner: expect.any(String) }),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(m.runSweep).toHaveBeenCalledTimes(2);
  });

  it('starts nothing with SCHEDULER=off, and only one timer however often it is called', async () => {
    m.env.scheduler = 'off';
    startScheduler();
    expect(holder.grantkeeperScheduler).toBeUndefined();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(m.runSweep).not.toHaveBeenCalled();

    m.env.scheduler = 'on';
    startScheduler();
    const first = holder.grantkeeperScheduler;
    startScheduler();
    expect(holder.grantkeeperScheduler).toBe(first);
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.runSweep).toHaveBeenCalledTimes(1);
  });

  it('never runs two sweeps at once: a tick during a long sweep is skipped', async () => {
    let finish: (v: typeof summary) => void = () => {};
    m.runSweep.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    startScheduler();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(m.runSweep).toHaveBeenCalledTimes(1);
    finish({ ...summary, claimed: 2 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(m.runSweep).toHaveBeenCalledTimes(2);
  });

  it('keeps sweeping after a sweep throws', async () => {
    m.runSweep.mockRejectedValueOnce(new Error('database unavailable'));
    startScheduler();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(m.runSweep).toHaveBeenCalledTimes(2);
  });

  it('a stop signal ends it: the sweep in flight has the signal, and no sweep starts after', async () => {
    startScheduler();
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.runSweep).toHaveBeenCalledTimes(1);
    const options = m.runSweep.mock.calls[0]![2] as { signal: AbortSignal };
    m.stop.abort();
    expect(options.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(m.runSweep).toHaveBeenCalledTimes(1);
  });

  it('a stop before the first sweep: none runs', async () => {
    startScheduler();
    m.stop.abort();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(m.runSweep).not.toHaveBeenCalled();
  });
});
