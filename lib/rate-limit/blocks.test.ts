import { describe, expect, it } from 'vitest';
import type { Sql } from '../db';
import { hitsGranted, maxBlock, RateLimitBlocks } from './blocks';

/**
 * The shared counter as the upsert in lib/db/rate-limits.ts keeps it (one row per key: hits capped
 * at limit + hits added, a window that ends starts over), on a clock the test moves.
 */
function fakeCounter(clock: { now: number }, rttMs = 0) {
  const rows = new Map<string, { hits: number; endsAt: number }>();
  const reservations: number[] = [];
  const sql: Sql = {
    async query<T extends object>(_text: string, params?: readonly unknown[]): Promise<T[]> {
      const [key, windowSec, limit, add] = params as [string, number, number, number];
      if (rttMs) await new Promise((r) => setTimeout(r, rttMs));
      reservations.push(add);
      const row = rows.get(key);
      const next =
        !row || row.endsAt <= clock.now
          ? { hits: add, endsAt: clock.now + windowSec * 1000 }
          : { hits: Math.min(row.hits + add, limit + add), endsAt: row.endsAt };
      rows.set(key, next);
      return [{ hits: next.hits, reset_sec: (next.endsAt - clock.now) / 1000 }] as T[];
    },
    exec: async () => undefined,
  };
  return { sql, rows, reservations };
}

describe('rate-limit blocks', () => {
  it('sizes blocks at 2 % of the limit, at most 64, and counts limits under 100 one hit at a time', () => {
    expect([maxBlock(3), maxBlock(99), maxBlock(100), maxBlock(600), maxBlock(1_000_000)]).toEqual([1, 1, 2, 12, 64]);
    // Of a block of 10 that took the count from 95 to 105 with a limit of 100, 5 fit.
    expect(hitsGranted(100, 10, 105)).toBe(5);
    expect(hitsGranted(100, 10, 110)).toBe(0);
    expect(hitsGranted(100, 10, 50)).toBe(10);
  });

  it('a small limit: every hit is one write, exact as before', async () => {
    const clock = { now: 0 };
    const { sql, reservations } = fakeCounter(clock);
    const blocks = new RateLimitBlocks(() => clock.now);
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await blocks.hit(sql, 'k', 3, 60));
    expect(decisions.map((d) => [d.allowed, d.used])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
      [false, 4],
    ]);
    expect(reservations).toEqual([1, 1, 1, 1, 1]);
  });

  it('a busy key writes the counter once per block, the blocks growing to the cap', async () => {
    const clock = { now: 0 };
    const { sql, reservations } = fakeCounter(clock);
    const blocks = new RateLimitBlocks(() => clock.now);
    for (let i = 0; i < 1_000; i++) {
      expect((await blocks.hit(sql, 'busy', 1_000_000, 60)).allowed).toBe(true);
      clock.now += 1; // 1,000 hits a second
    }
    expect(reservations.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 32, 64, 64]);
    expect(reservations.length).toBeLessThan(25);
    expect(reservations.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_000);
  });

  it('a key used now and then stays at one hit per write (exact counting)', async () => {
    const clock = { now: 0 };
    const { sql, reservations } = fakeCounter(clock);
    const blocks = new RateLimitBlocks(() => clock.now);
    for (let i = 0; i < 10; i++) {
      await blocks.hit(sql, 'calm', 600, 60);
      clock.now += 1_500;
    }
    expect(reservations).toEqual(Array(10).fill(1));
  });

  it('two instances on one counter never serve more than the limit, and refuse at most a block each early', async () => {
    const clock = { now: 0 };
    const { sql, rows } = fakeCounter(clock);
    const a = new RateLimitBlocks(() => clock.now);
    const b = new RateLimitBlocks(() => clock.now);
    let allowed = 0;
    for (let i = 0; i < 1_000; i++) {
      if ((await (i % 3 === 0 ? a : b).hit(sql, 'shared', 300, 60)).allowed) allowed++;
      clock.now += 1;
    }
    expect(allowed).toBeLessThanOrEqual(300);
    expect(allowed).toBeGreaterThanOrEqual(300 - 2 * (maxBlock(300) - 1));
    expect(rows.get('shared')!.hits).toBeGreaterThan(300);
  });

  it('concurrent hits with no block at hand wait for one reservation instead of each reserving', async () => {
    const clock = { now: 0 };
    const { sql, reservations } = fakeCounter(clock, 5);
    const blocks = new RateLimitBlocks(() => clock.now);
    // Warm the key up to a block of 8 first.
    for (let i = 0; i < 7; i++) await blocks.hit(sql, 'burst', 100_000, 60);
    const before = reservations.length;
    const decisions = await Promise.all(Array.from({ length: 50 }, () => blocks.hit(sql, 'burst', 100_000, 60)));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    // 50 hits from blocks of 8, 16, 32, 64: a handful of writes, not 50.
    expect(reservations.length - before).toBeLessThanOrEqual(5);
  });

  it('a window that ends drops what was left of the block and counts from the new window', async () => {
    const clock = { now: 0 };
    const { sql, reservations } = fakeCounter(clock);
    const blocks = new RateLimitBlocks(() => clock.now);
    for (let i = 0; i < 4; i++) await blocks.hit(sql, 'w', 10_000, 60); // blocks 1, 2, 4: one hit of the last used
    clock.now += 61_000;
    const d = await blocks.hit(sql, 'w', 10_000, 60);
    expect(d).toMatchObject({ allowed: true });
    expect(d.resetSec).toBeCloseTo(60);
    // Slow use (over a second) shrinks the block back: 4 → 2.
    expect(reservations).toEqual([1, 2, 4, 2]);
    expect(d.used).toBe(1);
  });
});
