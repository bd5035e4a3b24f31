import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * A graceful stop never loses a rotated refresh token: SIGTERM/SIGINT stops intake at once, waits
 * for every refresh in flight (provider call and token write), then writes the audit batch, then
 * exits 143/130 — also when Next's own handler asks to exit earlier. Bounded by the grace period,
 * after which the abandoned connection ids are logged.
 */

const m = vi.hoisted(() => ({ lines: [] as { level: string; obj: Record<string, unknown>; msg: string }[] }));
vi.mock('./log', () => {
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => m.lines.push({ level, obj, msg });
  const log = { info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return { getLogger: () => log };
});

const {
  insightRunsInFlight,
  refreshesInFlight,
  RELEASE_TIMEOUT_MS,
  stopGracefully,
  stopGracefullyOnSignal,
  stopping,
  stopSignal,
  trackInsightRun,
  trackRefresh,
} = await import('./shutdown');

const holder = globalThis as unknown as { grantkeeperShutdown?: unknown };
const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
const ours = (signal: 'SIGTERM' | 'SIGINT') => process.listeners(signal).filter((l) => !before[signal].includes(l));
const originalExit = process.exit;
let events: string[];
let exit: ReturnType<typeof vi.fn>;

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(() => {
  delete holder.grantkeeperShutdown;
  m.lines = [];
  events = [];
  exit = vi.fn((code: number) => void events.push(`exit ${code}`));
  process.exit = exit as unknown as typeof process.exit;
});
afterEach(() => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const l of ours(signal)) process.off(signal, l as () => void);
  process.exit = originalExit;
  delete holder.grantkeeperShutdown;
});

const flush = () => {
  events.push('flush');
  return Promise.resolve();
};

describe('trackRefresh', () => {
  it('lists the connection while its refresh runs, and not after, even when it throws', async () => {
    const gate = deferred();
    const running = trackRefresh('conn-1', () => gate.promise.then(() => 'done'));
    const failing = trackRefresh('conn-2', () => Promise.reject(new Error('provider down')));
    await expect(failing).rejects.toThrow('provider down');
    expect(refreshesInFlight()).toEqual(['conn-1']);
    gate.resolve();
    await expect(running).resolves.toBe('done');
    expect(refreshesInFlight()).toEqual([]);
  });
});

describe('trackInsightRun', () => {
  it('lists the advance while it runs ("claiming" until it names its run), apart from refreshes, and not after', async () => {
    const claimedGate = deferred();
    const stepGate = deferred();
    const running = trackInsightRun(async (claimed) => {
      await claimedGate.promise;
      claimed('run-7');
      await stepGate.promise;
      return 'paused';
    });
    expect(insightRunsInFlight()).toEqual(['claiming']);
    expect(refreshesInFlight()).toEqual([]);
    claimedGate.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(insightRunsInFlight()).toEqual(['run-7']);
    stepGate.resolve();
    await expect(running).resolves.toBe('paused');
    expect(insightRunsInFlight()).toEqual([]);
  });
});

describe('stopGracefully', () => {
  it('alone: stops intake at once, waits for the refresh in flight, then writes the audit batch, then exits 143', async () => {
    const provider = deferred();
    const refresh = trackRefresh('conn-x', async () => {
      await provider.promise;
      events.push('token written');
    });
    const stopped = stopGracefully('SIGTERM', { graceMs: 5_000, flush }, false);
    expect(stopping()).toBe(true);
    expect(stopSignal().aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(exit).not.toHaveBeenCalled();
    provider.resolve();
    await refresh;
    await expect(stopped).resolves.toBe(143);
    // The first flush starts at once (requests waiting on their batch); the last one follows the drain.
    expect(events).toEqual(['flush', 'token written', 'flush', 'exit 143']);
  });

  it("beside Next's handler: its process.exit(130) is held until the refresh is written, then carried out", async () => {
    const provider = deferred();
    const refresh = trackRefresh('conn-x', async () => {
      await provider.promise;
      events.push('token written');
    });
    const stopped = stopGracefully('SIGINT', { graceMs: 5_000, flush }, true);
    process.exit(130); // what Next's cleanup does once its own requests are done
    await new Promise((r) => setTimeout(r, 50));
    expect(exit).not.toHaveBeenCalled();
    provider.resolve();
    await refresh;
    await expect(stopped).resolves.toBe(130);
    expect(events).toEqual(['flush', 'token written', 'flush', 'exit 130']);
    expect(process.exit).toBe(exit); // handed back before exiting
  });

  it("beside Next's handler with nothing in flight: exits only once Next asks (its open requests are done)", async () => {
    const stopped = stopGracefully('SIGTERM', { graceMs: 5_000, flush }, true);
    await new Promise((r) => setTimeout(r, 50));
    expect(exit).not.toHaveBeenCalled();
    process.exit(143);
    await expect(stopped).resolves.toBe(143);
  });

  it('a refresh longer than the grace: exits when the grace ends and logs the abandoned connection ids', async () => {
    void trackRefresh('conn-slow', () => new Promise(() => {}));
    const started = Date.now();
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush }, false)).resolves.toBe(143);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(230);
    expect(took).toBeLessThan(1_000);
    const abandoned = m.lines.find((l) => l.level === 'error');
    expect(abandoned?.obj).toMatchObject({ abandoned: ['conn-slow'], graceMs: 300 });
    expect(abandoned?.msg).toMatch(/refreshes abandoned/);
    expect(events.at(-1)).toBe('exit 143');
  });

  it('waits for an insight run in flight (its step stored, its lease handed back) before the audit batch and the exit', async () => {
    const step = deferred();
    const run = trackInsightRun(async (claimed) => {
      claimed('run-1');
      await step.promise;
      events.push('run paused, lease released');
    });
    const stopped = stopGracefully('SIGINT', { graceMs: 5_000, flush }, false);
    await new Promise((r) => setTimeout(r, 50));
    expect(exit).not.toHaveBeenCalled();
    step.resolve();
    await run;
    await expect(stopped).resolves.toBe(130);
    expect(events).toEqual(['flush', 'run paused, lease released', 'flush', 'exit 130']);
  });

  it('an insight run longer than the grace: exits when the grace ends and logs the abandoned run ids', async () => {
    void trackInsightRun(async (claimed) => {
      claimed('run-slow');
      await new Promise(() => {});
    });
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush }, false)).resolves.toBe(143);
    const abandoned = m.lines.find((l) => l.level === 'error');
    expect(abandoned?.obj).toMatchObject({ abandoned: [], abandonedInsightRuns: ['run-slow'], graceMs: 300 });
    expect(abandoned?.msg).toMatch(/insight runs abandoned/);
    expect(events.at(-1)).toBe('exit 143');
  });

  it('an insight run longer than the grace: its lease is handed back before the exit, and the released run ids logged', async () => {
    void trackInsightRun(async (claimed) => {
      claimed('run-slow');
      await new Promise(() => {});
    });
    const releaseInsightRuns = vi.fn(async () => {
      events.push('leases released');
      return ['run-slow'];
    });
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush, releaseInsightRuns }, false)).resolves.toBe(143);
    expect(releaseInsightRuns).toHaveBeenCalledTimes(1);
    expect(events).toEqual(['flush', 'leases released', 'flush', 'exit 143']);
    const released = m.lines.find((l) => l.obj.releasedInsightRuns);
    expect(released).toMatchObject({ level: 'info', obj: { releasedInsightRuns: ['run-slow'] } });
  });

  it('a hanging lease hand-back holds the exit no longer than the grace, and says so', async () => {
    void trackInsightRun(async (claimed) => {
      claimed('run-slow');
      await new Promise(() => {});
    });
    const started = Date.now();
    const releaseInsightRuns = () => new Promise<string[]>(() => {}); // the database does not answer
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush, releaseInsightRuns }, false)).resolves.toBe(143);
    const took = Date.now() - started;
    // The orchestrator's SIGKILL follows the grace: the hand-back gets what is left of it (here under
    // RELEASE_TIMEOUT_MS), not its own 1.5 s on top.
    expect(took).toBeGreaterThanOrEqual(280);
    // Well under the grace plus RELEASE_TIMEOUT_MS (~1.8 s, the exit before the hand-back was bounded by the grace).
    expect(took).toBeLessThan(1_000);
    const timedOut = m.lines.find((l) => /not handed back in time/.test(l.msg));
    expect(timedOut?.obj.timeoutMs).toBeLessThan(RELEASE_TIMEOUT_MS);
    expect(events.at(-1)).toBe('exit 143');
  });

  it('a failing lease hand-back is logged and the exit goes ahead', async () => {
    void trackInsightRun(async (claimed) => {
      claimed('run-slow');
      await new Promise(() => {});
    });
    const releaseInsightRuns = () => Promise.reject(new Error('connection refused'));
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush, releaseInsightRuns }, false)).resolves.toBe(143);
    expect(m.lines.find((l) => l.msg.includes('not handed back;'))?.level).toBe('error');
  });

  it('refresh leases are never handed back: a refresh past the grace (and a drained stop) leaves the release uncalled', async () => {
    const releaseInsightRuns = vi.fn(async () => [] as string[]);
    void trackRefresh('conn-slow', () => new Promise(() => {}));
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush, releaseInsightRuns }, false)).resolves.toBe(143);
    expect(releaseInsightRuns).not.toHaveBeenCalled();

    delete holder.grantkeeperShutdown;
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush, releaseInsightRuns }, false)).resolves.toBe(143);
    expect(releaseInsightRuns).not.toHaveBeenCalled();
  });

  it('a hanging audit write does not hold the exit past the grace', async () => {
    const hanging = () => new Promise<void>(() => {});
    const started = Date.now();
    await expect(stopGracefully('SIGTERM', { graceMs: 300, flush: hanging }, false)).resolves.toBe(143);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a second signal during a stop changes nothing', async () => {
    const provider = deferred();
    void trackRefresh('conn-x', () => provider.promise);
    const first = stopGracefully('SIGINT', { graceMs: 5_000, flush }, false);
    await expect(stopGracefully('SIGINT', { graceMs: 5_000, flush }, false)).resolves.toBeUndefined();
    provider.resolve();
    await expect(first).resolves.toBe(130);
    expect(exit).toHaveBeenCalledTimes(1);
  });
});

describe('stopGracefullyOnSignal', () => {
  it('registers one handler per signal however often start-up calls it; alone, SIGTERM runs the stop and exits 143', async () => {
    const others = process.listeners('SIGTERM');
    for (const l of others) process.off('SIGTERM', l as () => void);
    try {
      stopGracefullyOnSignal({ graceMs: 5_000, flush });
      stopGracefullyOnSignal({ graceMs: 5_000, flush });
      expect(process.listeners('SIGTERM')).toHaveLength(1);
      expect(ours('SIGINT')).toHaveLength(1);
      (process.listeners('SIGTERM')[0] as () => void)();
      expect(stopping()).toBe(true);
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(143));
      expect(events).toEqual(['flush', 'flush', 'exit 143']);
    } finally {
      for (const l of process.listeners('SIGTERM')) process.off('SIGTERM', l as () => void);
      for (const l of others) process.on('SIGTERM', l as () => void);
    }
  });
});
