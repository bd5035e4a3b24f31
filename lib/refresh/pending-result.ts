import 'server-only';
import type { Database, Sql } from '../db';
import { completeRefresh, type ClaimedConnection, type LeaseGuard } from '../db/refresh';
import { claimForPendingResult, savePendingResult, takePendingResult } from '../db/refresh-recovery';
import { getLogger } from '../log';
import { encryptToken, isUnreadableToken } from '../tokens/keys';
import type { HeldLease } from './lease';
import { leaseOwner } from './lease';
import { audit, notify, type RefreshContext, type RefreshOutcome } from './refresh-context';
import { listSpilled, openKeptResult, readSpilled, removeSpilled, sealKeptResult, spillResult, type KeptResult } from './spill';

/**
 * A provider call that succeeded must never be lost to a failed database write: a rotating
 * provider (X) has already spent the stored refresh token, so losing the new one kills the grant.
 * The write is retried while the lease lasts; after that the new tokens are kept, encrypted, in
 * the pending-result table or, when the database is unreachable, in a local spill file; the next
 * refresher applies them before it calls the provider.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rolls back a transaction whose compare-and-set found the row moved on. */
class NotApplied extends Error {}
function notApplied(err: unknown): false {
  if (err instanceof NotApplied) return false;
  throw err;
}

export type StoreResult = 'written' | 'lost' | 'deferred';

export async function storeRefreshResult(
  ctx: RefreshContext,
  c: ClaimedConnection,
  lease: HeldLease,
  write: (tx: Sql, attempt: number) => Promise<boolean>,
  kept: KeptResult,
  started: number,
): Promise<StoreResult> {
  // Stop early enough that the lease cannot run out between the last try and the fallback.
  const marginMs = Math.min(2000, ctx.settings.leaseSec * 250);
  // The heartbeat may keep the lease for ever; a write that keeps failing stops after one lease.
  const giveUpAt = Date.now() + ctx.settings.leaseSec * 1000;
  let delay = 100;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await ctx.db.transaction((tx) => write(tx, attempt))) ? 'written' : 'lost';
    } catch (err) {
      lastError = err;
    }
    const next = Date.now() + delay;
    if (lease.lost || next > lease.untilMs - marginMs || next > giveUpAt) break;
    await sleep(delay);
    delay = Math.min(delay * 2, 2000);
  }
  const log = getLogger();
  log.warn({ connectionId: c.id, err: lastError }, 'refreshed tokens could not be written while the lease lasted; keeping them');
  try {
    await ctx.db.transaction(async (tx) => {
      await savePendingResult(tx, { connectionId: c.id, tokenVersion: c.token_version, resultEnc: sealKeptResult(kept) });
      await audit(tx, ctx, c, 'token.refresh_pending', 'info', started, { keptIn: 'database', rotated: kept.rotated });
    });
    return 'deferred';
  } catch (err) {
    if (!ctx.dataDir) throw err;
  }
  try {
    spillResult(ctx.dataDir, kept);
  } catch (err) {
    // No database and no writable disk (a serverless host): nothing left to keep them in.
    log.error({ connectionId: c.id, err }, 'refreshed tokens lost: neither the database nor the data directory could keep them');
    throw err;
  }
  log.warn({ connectionId: c.id }, 'database unreachable: refreshed tokens kept in an encrypted spill file until it is back');
  return 'deferred';
}

/** Writes a kept result under a lease this refresher holds; false when the row moved on. */
async function applyKept(
  tx: Sql,
  ctx: Pick<RefreshContext, 'actor' | 'requestId'>,
  c: ClaimedConnection,
  guard: LeaseGuard,
  kept: KeptResult,
  keptIn: 'database' | 'spill',
  started: number,
): Promise<boolean> {
  const inSec = (iso: string) => Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));
  const ok = await completeRefresh(tx, guard, {
    accessTokenEnc: encryptToken(kept.accessToken),
    refreshTokenEnc: kept.refreshToken ? encryptToken(kept.refreshToken) : null,
    expiresInSec: inSec(kept.expiresAt),
    refreshTokenExpiresInSec: kept.refreshTokenExpiresAt ? inSec(kept.refreshTokenExpiresAt) : null,
    scopes: kept.scopes,
    nextCheckInSec: inSec(kept.nextAttemptAt),
  });
  if (!ok) return false;
  await audit(tx, ctx, c, 'token.refreshed', 'success', started, {
    rotated: kept.rotated,
    expiresInSec: inSec(kept.expiresAt),
    appliedLate: keptIn,
    recovered: c.status !== 'active',
  });
  if (c.status !== 'active') await notify(tx, c, 'connection.recovered', { status: 'active' });
  return true;
}

/**
 * Before calling the provider: a result kept for this connection (spill file on this host, or the
 * pending-result table) at this token version is applied instead. Kept results for an older token
 * version are dropped (the user reconnected meanwhile).
 */
export async function applyKeptResultFor(
  ctx: RefreshContext,
  c: ClaimedConnection,
  guard: LeaseGuard,
  pendingInDatabase: boolean,
  started: number,
): Promise<RefreshOutcome | undefined> {
  const files = ctx.dataDir ? listSpilled(ctx.dataDir, c.id) : [];
  if (files.length === 0 && !pendingInDatabase) return undefined;
  const read = files.flatMap((file) => {
    const kept = readSpilled(file);
    return kept ? [{ file, kept }] : [];
  });
  const spilled = read.find((r) => r.kept.tokenVersion === c.token_version);
  const applied = await ctx.db
    .transaction(async (tx) => {
      const row = pendingInDatabase ? await takePendingResult(tx, c.id) : undefined;
      const fromDb = row && row.token_version === c.token_version ? openKeptResult(row.result_enc) : undefined;
      if (!spilled && !fromDb) return false; // only stale ones: dropped
      const ok = await applyKept(tx, ctx, c, guard, spilled?.kept ?? fromDb!, spilled ? 'spill' : 'database', started);
      if (!ok) throw new NotApplied(); // keep the pending row for whoever holds the lease now
      return true;
    })
    .catch(notApplied);
  // Stale files go; the matching one only once it is in the row.
  for (const r of read) if (r !== spilled || applied) removeSpilled(r.file);
  return applied ? { kind: 'refreshed', recovered: c.status !== 'active' } : undefined;
}

/**
 * At start-up and before every sweep: applies every result spilled on this host whose row is not
 * held by a live refresher. Returns how many were applied and dropped as stale.
 */
export async function applySpilledResults(db: Database, opts: { dataDir: string; leaseSec: number }): Promise<{ applied: number; stale: number }> {
  const summary = { applied: 0, stale: 0 };
  for (const file of listSpilled(opts.dataDir)) {
    let kept: KeptResult | undefined;
    try {
      kept = readSpilled(file);
    } catch (err) {
      // Written under a key no longer configured: the refresher of that connection parks it.
      if (!isUnreadableToken(err)) throw err;
      getLogger().warn({ file }, 'a spilled refresh result cannot be decrypted with the configured keys');
    }
    if (!kept) continue;
    const owner = leaseOwner('recover');
    const claimed = await claimForPendingResult(db, {
      id: kept.connectionId,
      tokenVersion: kept.tokenVersion,
      owner,
      formerOwner: kept.owner,
      leaseSec: opts.leaseSec,
    });
    if (claimed === 'leased') continue;
    if (claimed === 'stale') {
      removeSpilled(file);
      summary.stale++;
      continue;
    }
    const guard = { id: claimed.id, owner, tokenVersion: claimed.token_version };
    const ok = await db
      .transaction(async (tx) => {
        await takePendingResult(tx, claimed.id);
        if (!(await applyKept(tx, { actor: 'system' }, claimed, guard, kept, 'spill', Date.now()))) throw new NotApplied();
        return true;
      })
      .catch(notApplied);
    // Not applied only if the row moved on between claim and write: the next pass decides again.
    if (ok) {
      removeSpilled(file);
      summary.applied++;
    }
  }
  return summary;
}
