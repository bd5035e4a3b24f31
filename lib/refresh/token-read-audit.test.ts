import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Token reads are audited through one batch per process; lib/shutdown.test.ts covers its last write on stop. */

const m = vi.hoisted(() => ({ createAuditBuffer: vi.fn() }));
vi.mock('../audit-buffer', () => ({ createAuditBuffer: m.createAuditBuffer }));
vi.mock('../db', () => ({ getDb: async () => ({}) }));
vi.mock('../api-keys/touch', () => ({ touchApiKeys: vi.fn() }));

const { getTokenReadAudit } = await import('./token-read-audit');

const holder = globalThis as unknown as { grantkeeperTokenReadAudit?: unknown };

beforeEach(() => {
  delete holder.grantkeeperTokenReadAudit;
  m.createAuditBuffer.mockReset().mockReturnValue({ flush: vi.fn() });
});

describe('the token-read audit batch', () => {
  it('is one buffer per process', () => {
    expect(getTokenReadAudit()).toBe(getTokenReadAudit());
    expect(m.createAuditBuffer).toHaveBeenCalledTimes(1);
  });
});
