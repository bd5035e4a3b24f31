import 'server-only';
import type { Database } from '../db';
import { listRunLeaseOwners, releaseRunLeasesOf } from '../db/insights-runs';
import { listDeliveryLeaseOwners, releaseDeliveryLeasesOf } from '../db/notifications';
import { listLeaseOwners, rearmKeyUnavailable, releaseLeasesOf } from '../db/refresh-recovery';
import type { Env } from '../env';
import { getLogger } from '../log';
import { keySetFingerprint } from '../tokens/keys';
import { releaseDeadLocalLeases, type LeasedRows } from './lease';
import { applySpilledResults } from './pending-result';

export interface Recovery {
  /** Leases of this host's dead processes, released instead of waited out. */
  releasedLeases: number;
  /** Webhook deliveries those processes had claimed, back in the queue. */
  releasedDeliveryLeases: number;
  /** Insight sync runs those processes were advancing, due again from their last stored step. */
  releasedRunLeases: number;
  /** key_unavailable connections given another try because the key set changed. */
  rearmed: number;
  /** Spilled refresh results applied, and dropped because their connection moved on. */
  applied: number;
  stale: number;
}

const CONNECTIONS: LeasedRows = { listOwners: listLeaseOwners, releaseOwners: releaseLeasesOf };
const DELIVERIES: LeasedRows = { listOwners: listDeliveryLeaseOwners, releaseOwners: releaseDeliveryLeasesOf };
const INSIGHT_RUNS: LeasedRows = { listOwners: listRunLeaseOwners, releaseOwners: releaseRunLeasesOf };

/**
 * At start-up, before the first sweep: undo what a crash or a key change left behind. Never stops
 * the start: each step that fails is logged and the next sweep or lease expiry catches up.
 */
export async function recoverAtStart(
  db: Database,
  env: Pick<Env, 'dataDir' | 'refresh'>,
  opts: { keyset?: string; alive?: (pid: number) => boolean } = {},
): Promise<Recovery> {
  const log = getLogger().child({ component: 'recovery' });
  const recovery: Recovery = { releasedLeases: 0, releasedDeliveryLeases: 0, releasedRunLeases: 0, rearmed: 0, applied: 0, stale: 0 };
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      log.error({ err }, `start-up recovery: ${what} failed`);
    }
  };
  await step('releasing dead leases', async () => {
    recovery.releasedLeases = await releaseDeadLocalLeases(db, CONNECTIONS, opts.alive);
  });
  await step('releasing dead webhook delivery leases', async () => {
    recovery.releasedDeliveryLeases = await releaseDeadLocalLeases(db, DELIVERIES, opts.alive);
  });
  await step('releasing dead insight run leases', async () => {
    recovery.releasedRunLeases = await releaseDeadLocalLeases(db, INSIGHT_RUNS, opts.alive);
  });
  await step('re-arming key_unavailable connections', async () => {
    recovery.rearmed = await rearmKeyUnavailable(db, { keyset: opts.keyset ?? keySetFingerprint() });
  });
  await step('applying spilled refresh results', async () => {
    Object.assign(recovery, await applySpilledResults(db, { dataDir: env.dataDir, leaseSec: env.refresh.leaseSec }));
  });
  if (Object.values(recovery).some((n) => n > 0)) log.info(recovery, 'start-up recovery');
  return recovery;
}
