import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Stopping the server writes the last batch of token-read audit events (issue 11 §6): beside
 * Next's own signal handler ours only starts the write; alone, it writes and then exits 143/130.
 */

const m = vi.hoisted(() => ({ flush: vi.fn(), createAuditBuffer: vi.fn() }));
vi.mock('../audit-buffer', () => ({ createAuditBuffer: m.createAuditBuffer }));
vi.mock('../db', () => ({ getDb: async () => ({}) }));
vi.mock('../api-keys/touch', () => ({ touchApiKeys: vi.fn() }));

const { flushTokenReadAuditOnStop, getTokenReadAudit } = await import('./token-read-audit');

const holder = globalThis as unknown as { grantkeeperTokenReadAudit?: unknown; grantkeeperAuditOnStop?: boolean };
const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
const ours = (signal: 'SIGTERM' | 'SIGINT') => process.listeners(signal).filter((l) => !before[signal].includes(l));
let exit: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  delete holder.grantkeeperTokenReadAudit;
  delete holder.grantkeeperAuditOnStop;
  m.flush.mockReset().mockResolvedValue(undefined);
  m.createAuditBuffer.mockReset().mockReturnValue({ flush: m.flush });
  exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
});
afterEach(() => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const l of ours(signal)) process.off(signal, l as () => void);
  vi.restoreAllMocks();
});

describe('the token-read audit batch', () => {
  it('is one buffer per process', () => {
    expect(getTokenReadAudit()).toBe(getTokenReadAudit());
    expect(m.createAuditBuffer).toHaveBeenCalledTimes(1);
  });
});

describe('flushTokenReadAuditOnStop', () => {
  it('registers its handlers once, however often start-up calls it', () => {
    flushTokenReadAuditOnStop();
    flushTokenReadAuditOnStop();
    expect(ours('SIGTERM')).toHaveLength(1);
    expect(ours('SIGINT')).toHaveLength(1);
  });

  it('alone on SIGTERM: writes the batch, then exits 143', async () => {
    const others = process.listeners('SIGTERM');
    for (const l of others) process.off('SIGTERM', l as () => void);
    try {
      flushTokenReadAuditOnStop();
      (ours('SIGTERM')[0] as () => void)();
      expect(m.flush).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(143));
    } finally {
      for (const l of others) process.on('SIGTERM', l as () => void);
    }
  });

  it("beside another SIGINT handler (Next's): only starts the write and leaves the exit to it", async () => {
    const next = () => {};
    process.on('SIGINT', next);
    flushTokenReadAuditOnStop();
    (ours('SIGINT').find((l) => l !== next) as () => void)();
    expect(m.flush).toHaveBeenCalledTimes(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(exit).not.toHaveBeenCalled();
  });
});
