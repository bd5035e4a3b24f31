import { describe, expect, it } from 'vitest';
import { createAuditBuffer, FLUSH_MS } from './audit-buffer';
import type { Database } from './db';

/** A database that only counts the audit rows written to it. */
function countingDb(fail = false) {
  const written: number[] = [];
  const db = {
    driver: 'pglite',
    query: async (_text: string, params: unknown[][] = []) => {
      if (fail) throw new Error('database down');
      written.push(params[0]?.length ?? 0);
      return [];
    },
  } as unknown as Database;
  return { db, written };
}

const event = { userId: 'u1', actor: 'api_key:abcd2345', action: 'token.read', outcome: 'success' as const };

describe('the token-read audit buffer', () => {
  it('settled() waits for the scheduled write of everything recorded, without writing early', async () => {
    const { db, written } = countingDb();
    const buffer = createAuditBuffer(async () => db, async () => {});
    const started = Date.now();
    for (let i = 0; i < 3; i++) buffer.record(event);
    await buffer.settled();
    expect(written).toEqual([3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(FLUSH_MS - 5);
    // Nothing pending: settles at once.
    await buffer.settled();
    expect(written).toEqual([3]);
  });

  it('flush() writes at once, and settled() then resolves without waiting for the timer', async () => {
    const { db, written } = countingDb();
    const buffer = createAuditBuffer(async () => db, async () => {});
    buffer.record(event);
    const waiting = buffer.settled();
    const started = Date.now();
    await buffer.flush();
    await waiting;
    expect(written).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(FLUSH_MS);
  });

  it('settles (and logs) even when the write fails, so a shutdown never hangs on it', async () => {
    const { db } = countingDb(true);
    const buffer = createAuditBuffer(async () => db, async () => {});
    buffer.record(event);
    await expect(buffer.settled()).resolves.toBeUndefined();
  });
});
