import 'server-only';
import type { Sql } from '../db';
import { hitRateLimit, type RateLimitHit } from '../db/rate-limits';

/**
 * Hits reserved from the shared counter in blocks, so a busy API key does not write the counter
 * on every request (the token API's hot path: the upsert was half its statements).
 *
 * The shared row still counts every hit any instance may serve — a block's hits are counted when
 * it is reserved — so no instance ever serves more than the limit allows in a window. The price is
 * on the other side: hits reserved and not used before the window ends were counted anyway, so near
 * its limit a key can be refused up to (block − 1) hits per instance early. Blocks therefore start
 * at 1 hit and grow (doubling) only while a block is used up within a second of being reserved —
 * a key making a request now and then gets exact counting — and never exceed 2 % of the limit
 * (`maxBlock`). Limits under 100 a window are always counted one hit at a time.
 */

/** Longest a block may be held while growing: a key that takes longer to use one shrinks back. */
const FAST_USE_MS = 1_000;
const MAX_BLOCK = 64;
/** Bounds the memory of keys seen; ended windows are dropped first. */
const MAX_KEYS = 10_000;

export interface BlockDecision {
  allowed: boolean;
  /** Hits the shared counter holds for this window minus those reserved here and not used yet. */
  used: number;
  /** Seconds until the window ends (fractional). */
  resetSec: number;
}

interface KeyState {
  /** Hits of the current block not used yet. */
  left: number;
  /** The shared count right after the last reservation. */
  counted: number;
  /** When the window ends (ms since the epoch, this process's clock). */
  endsAt: number;
  /** Size of the last reservation, and when it was made. */
  block: number;
  reservedAt: number;
  /** A reservation on its way: concurrent requests wait for it rather than reserve their own. */
  pending?: Promise<void>;
}

/** The largest block for a limit: 2 % of it, at most 64; 1 (exact counting) under 100. */
export function maxBlock(limit: number): number {
  return Math.max(1, Math.min(MAX_BLOCK, Math.floor(limit / 50)));
}

/** How many of `reserved` hits fit, given the shared count after they were added (capped at limit + reserved). */
export function hitsGranted(limit: number, reserved: number, countAfter: number): number {
  return Math.max(0, Math.min(reserved, limit - (countAfter - reserved)));
}

export class RateLimitBlocks {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one hit of `key` against `limit` per `windowSec`, from a block when one is at hand. */
  async hit(sql: Sql, key: string, limit: number, windowSec: number): Promise<BlockDecision> {
    const cap = maxBlock(limit);
    if (cap === 1) return this.exact(await hitRateLimit(sql, { key, limit, windowSec }), limit);
    for (;;) {
      const state = this.keys.get(key);
      const now = this.now();
      if (state && now < state.endsAt && state.left > 0) {
        state.left -= 1;
        return { allowed: true, used: state.counted - state.left, resetSec: (state.endsAt - now) / 1000 };
      }
      if (state?.pending) {
        await state.pending;
        continue;
      }
      return this.reserve(sql, key, limit, windowSec, cap, state);
    }
  }

  /** Forgets every block (tests; a process never needs to). */
  clear(): void {
    this.keys.clear();
  }

  private exact(hit: RateLimitHit, limit: number): BlockDecision {
    return { allowed: hit.hits <= limit, used: hit.hits, resetSec: hit.reset_sec };
  }

  private async reserve(sql: Sql, key: string, limit: number, windowSec: number, cap: number, previous: KeyState | undefined): Promise<BlockDecision> {
    const now = this.now();
    const grow = previous !== undefined && now < previous.endsAt && now - previous.reservedAt < FAST_USE_MS;
    const block = previous === undefined ? 1 : Math.min(cap, Math.max(1, grow ? previous.block * 2 : Math.floor(previous.block / 2)));
    const state: KeyState = previous ?? { left: 0, counted: 0, endsAt: 0, block, reservedAt: now };
    if (!previous) this.remember(key, state);
    let release!: () => void;
    state.pending = new Promise<void>((resolve) => (release = resolve));
    try {
      const hit = await hitRateLimit(sql, { key, limit, windowSec, hits: block });
      const granted = hitsGranted(limit, block, hit.hits);
      const at = this.now();
      Object.assign(state, { block, reservedAt: at, counted: Math.min(hit.hits, limit), endsAt: at + hit.reset_sec * 1000, left: Math.max(0, granted - 1) });
      return granted > 0
        ? { allowed: true, used: state.counted - state.left, resetSec: hit.reset_sec }
        : { allowed: false, used: Math.max(hit.hits - block, limit), resetSec: hit.reset_sec };
    } finally {
      state.pending = undefined;
      release();
    }
  }

  private remember(key: string, state: KeyState): void {
    if (this.keys.size >= MAX_KEYS) {
      const now = this.now();
      for (const [k, s] of this.keys) if (s.endsAt <= now && !s.pending) this.keys.delete(k);
      // Still full (every window live): the oldest goes; at worst it reserves again.
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
    }
    this.keys.set(key, state);
  }
}
