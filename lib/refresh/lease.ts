import 'server-only';
import crypto from 'node:crypto';
import os from 'node:os';
import type { Database } from '../db';
import type { LeaseGuard } from '../db/refresh';
import { extendLease } from '../db/refresh-recovery';
import { getLogger } from '../log';

/**
 * Lease owners read `<kind>:<hostname>:<pid>:<instance>-<random>`. The instance id tells this
 * process from an earlier one with the same pid (a container's pid 1 after a restart), so at
 * start-up the leases of this host's dead processes can be released instead of waiting them out.
 */
const holder = globalThis as unknown as { grantkeeperInstance?: string };
const instance = () => (holder.grantkeeperInstance ??= crypto.randomBytes(4).toString('hex'));

export function leaseOwner(kind: 'sweep' | 'jit' | 'recover' | 'sync-now'): string {
  return `${kind}:${os.hostname()}:${process.pid}:${instance()}-${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * What every lease owner this process names has in common (`:<host>:<pid>:<instance>-`): a stop
 * finds its own leases by it, whichever sweep (random suffix) took them.
 */
export function thisProcessOwnerMark(): string {
  return `:${os.hostname()}:${process.pid}:${instance()}-`;
}

export function parseLeaseOwner(owner: string): { host: string; pid: number; instance: string } | undefined {
  const match = /^[a-z][a-z-]*:([^:]+):(\d+):([0-9a-f]+)-/.exec(owner);
  return match ? { host: match[1]!, pid: Number(match[2]), instance: match[3]! } : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, belongs to someone else
  }
}

/** Owners on this host whose process is gone (or is an earlier life of this pid). */
export function isDeadLocalOwner(owner: string, alive: (pid: number) => boolean = processAlive): boolean {
  const parsed = parseLeaseOwner(owner);
  if (!parsed || parsed.host !== os.hostname()) return false;
  if (parsed.pid === process.pid) return parsed.instance !== instance();
  return !alive(parsed.pid);
}

/** Rows leased by owner name (connections, webhook deliveries, insight runs): the live owners, and how to free theirs. */
export interface LeasedRows {
  listOwners(db: Database): Promise<string[]>;
  releaseOwners(db: Database, owners: string[]): Promise<number>;
}

/** At start-up: leases of this host's dead processes are freed now rather than after they lapse. */
export async function releaseDeadLocalLeases(db: Database, rows: LeasedRows, alive?: (pid: number) => boolean): Promise<number> {
  const dead = (await rows.listOwners(db)).filter((owner) => isDeadLocalOwner(owner, alive));
  return rows.releaseOwners(db, dead);
}

export interface HeldLease {
  /** Local time until which the lease is surely ours (measured from before the last extension). */
  readonly untilMs: number;
  /** Set when a heartbeat found the lease taken over. */
  readonly lost: boolean;
  stop(): void;
}

/**
 * Re-checks and extends the lease right before a provider call, then keeps extending it every
 * third of its length until stopped. Undefined when the lease is no longer ours: the caller must
 * not call the provider (someone else may be refreshing with the same refresh token).
 */
export async function holdLease(
  db: Database,
  guard: LeaseGuard,
  leaseSec: number,
): Promise<{ lease: HeldLease; pendingResult: boolean } | undefined> {
  const asked = Date.now();
  const first = await extendLease(db, guard, leaseSec);
  if (!first) return undefined;
  const state = { untilMs: asked + leaseSec * 1000, lost: false, stopped: false };
  const timer = setInterval(() => {
    const at = Date.now();
    extendLease(db, guard, leaseSec).then(
      (ok) => {
        if (state.stopped) return;
        if (ok) state.untilMs = at + leaseSec * 1000;
        else state.lost = true;
      },
      // The database is unreachable: the lease runs out at untilMs unless a later beat lands.
      (err: unknown) => getLogger().debug({ err, connectionId: guard.id }, 'lease heartbeat failed'),
    );
  }, (leaseSec * 1000) / 3);
  timer.unref();
  const lease: HeldLease = {
    get untilMs() {
      return state.untilMs;
    },
    get lost() {
      return state.lost;
    },
    stop() {
      state.stopped = true;
      clearInterval(timer);
    },
  };
  return { lease, pendingResult: first.pendingResult };
}
