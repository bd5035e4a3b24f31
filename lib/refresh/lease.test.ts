import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { isDeadLocalOwner, leaseOwner, parseLeaseOwner, thisProcessOwnerMark } from './lease';

/**
 * Which leases start-up may free at once (issue 11 §6): only those of this host's processes that
 * are gone, or of an earlier life of this very pid; never another host's, never a live process's.
 */

const DEAD_PID = 2147483646;
const ownerFor = (host: string, pid: number, instance = 'abcd1234') => `sweep:${host}:${pid}:${instance}-0a0b0c`;

describe('isDeadLocalOwner', () => {
  it("frees a lease of this host's process that has exited", () => {
    expect(isDeadLocalOwner(ownerFor(os.hostname(), DEAD_PID))).toBe(true);
  });

  it("keeps a lease of this host's live process, and any lease of another host", () => {
    expect(isDeadLocalOwner(ownerFor(os.hostname(), process.ppid))).toBe(false);
    expect(isDeadLocalOwner(ownerFor('other-host', DEAD_PID))).toBe(false);
  });

  it('frees a lease of an earlier life of this pid (a restarted container), not of this process', () => {
    expect(isDeadLocalOwner(ownerFor(os.hostname(), process.pid, 'ffffffff'))).toBe(true);
    expect(isDeadLocalOwner(leaseOwner('sweep'))).toBe(false);
  });

  it('reads a Sync now owner like a sweep’s, so its runs are recovered too', () => {
    const owner = leaseOwner('sync-now');
    expect(parseLeaseOwner(owner)).toMatchObject({ host: os.hostname(), pid: process.pid });
    expect(isDeadLocalOwner(owner)).toBe(false);
    expect(isDeadLocalOwner(`sync-now:${os.hostname()}:${DEAD_PID}:abcd1234-0a0b0c`)).toBe(true);
  });

  it('keeps a lease whose owner it cannot parse (another version wrote it)', () => {
    expect(parseLeaseOwner('legacy-owner')).toBeUndefined();
    expect(isDeadLocalOwner('legacy-owner')).toBe(false);
  });
});

describe('thisProcessOwnerMark', () => {
  it("is in every owner this process names (any kind, any sweep) and in no other process's", () => {
    const mark = thisProcessOwnerMark();
    for (const kind of ['sweep', 'jit', 'recover', 'sync-now'] as const) expect(leaseOwner(kind)).toContain(mark);
    expect(ownerFor(os.hostname(), process.pid, 'ffffffff')).not.toContain(mark); // an earlier life of this pid
    expect(ownerFor(os.hostname(), DEAD_PID)).not.toContain(mark);
    expect(ownerFor('other-host', process.pid)).not.toContain(mark);
  });
});
