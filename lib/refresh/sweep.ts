import 'server-only';
import type { Database } from '../db';
import { deleteExpiredOAuthStates } from '../db/oauth-states';
import { deleteExpiredRateLimits } from '../db/rate-limits';
import { claimDueConnections, releaseLeases, type ClaimedConnection } from '../db/refresh';
import { insertSweepRun } from '../db/sweep-runs';
import type { Env, RefreshSettings } from '../env';
import { getLogger } from '../log';
import { withLogContext } from '../log-context';
import { recordSweep } from '../metrics/record';
import { stopSignal } from '../shutdown';
import { advanceInsights, type InsightSweepSummary } from '../insights/sweep';
import { deliverDueNotifications } from '../notifications/deliver';
import { PLATFORM_SLUGS } from '../providers/registry';
import type { ProviderSlug } from '../providers/types';
import { leaseOwner } from './lease';
import { applySpilledResults } from './pending-result';
import { createProviderResolver } from './provider-resolver';
import { refreshClaimedConnection, type RefreshContext, type RefreshOutcome } from './refresh-connection';
import { Semaphore } from './semaphore';

export type SweepTrigger = 'cron' | 'scheduler' | 'manual' | 'test';

export interface SweepSummary {
  owner: string;
  trigger: SweepTrigger;
  startedAt: string;
  durationMs: number;
  claimed: number;
  refreshed: number;
  failed: number;
  needsReauth: number;
  warned: number;
  deliveries: number;
  /** Connections given back unprocessed because the time budget ran out. */
  released: number;
  errors: string[];
  /** The campaign insights sync that rode along (lib/insights/sweep.ts). */
  insights?: InsightSweepSummary;
}

export interface SweepOptions {
  trigger: SweepTrigger;
  /** This app's public origin (simulator URLs). */
  origin: string;
  fetch?: typeof fetch;
  settings?: Partial<RefreshSettings>;
  owner?: string;
  providerTimeoutMs?: number;
  /** Once aborted, nothing new starts and unstarted claims are handed back. Default: the process's stop signal. */
  signal?: AbortSignal;
}

/**
 * One bounded sweep: for each provider, claims due connections in small batches under leases and
 * refreshes them with bounded concurrency (global and per provider) until nothing is due, the batch
 * limit is reached, or the time budget is spent. One connection's failure never stops the others.
 * Its lease owner is its sweep id: every line logged inside it carries that id (lib/log-context.ts).
 */
export async function runSweep(db: Database, env: Env, options: SweepOptions): Promise<SweepSummary> {
  const owner = options.owner ?? leaseOwner('sweep');
  return withLogContext({ sweepId: owner }, async () => {
    const summary = await sweepOnce(db, env, { ...options, owner });
    recordSweep(summary);
    return summary;
  });
}

async function sweepOnce(db: Database, env: Env, options: SweepOptions & { owner: string }): Promise<SweepSummary> {
  const started = Date.now();
  const settings = { ...env.refresh, ...options.settings };
  const owner = options.owner;
  const deadline = started + settings.timeBudgetMs;
  const signal = options.signal ?? stopSignal();
  // Out of time, or the process is stopping: start nothing more.
  const over = () => Date.now() >= deadline || signal.aborted;
  const summary: SweepSummary = {
    owner,
    trigger: options.trigger,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    claimed: 0,
    refreshed: 0,
    failed: 0,
    needsReauth: 0,
    warned: 0,
    deliveries: 0,
    released: 0,
    errors: [],
  };
  const ctx: RefreshContext = {
    db,
    settings,
    owner,
    actor: 'system',
    providerTimeoutMs: options.providerTimeoutMs,
    dataDir: env.dataDir,
    resolveProvider: createProviderResolver(env, { origin: options.origin, fetch: options.fetch }),
  };
  // Tokens a refresh on this host obtained while the database was unreachable go in first.
  await applySpilledResults(db, { dataDir: env.dataDir, leaseSec: settings.leaseSec }).catch((err: unknown) =>
    summary.errors.push(`kept results: ${(err as Error)?.message ?? String(err)}`.slice(0, 300)),
  );
  const global = new Semaphore(settings.concurrency);
  let budget = settings.batchLimit;

  const sweepProvider = async (provider: ProviderSlug) => {
    const queue: ClaimedConnection[] = [];
    let exhausted = false;
    let refilling: Promise<void> | undefined;
    const refill = () =>
      (refilling ??= (async () => {
        const limit = Math.min(settings.providerConcurrency * 2, budget);
        if (limit <= 0 || over()) {
          exhausted = true;
          return;
        }
        budget -= limit;
        const rows = await claimDueConnections(db, { owner, provider, leaseSec: settings.leaseSec, limit });
        budget += limit - rows.length;
        summary.claimed += rows.length;
        if (rows.length < limit) exhausted = true;
        queue.push(...rows);
      })().finally(() => (refilling = undefined)));

    const unstarted: string[] = [];
    const worker = async () => {
      for (;;) {
        if (queue.length === 0 && !exhausted) await refill();
        if (over()) return;
        const next = queue.shift();
        if (!next) return;
        const outcome = await global
          // A stop may come while it waits for a slot: then it is handed back, not started.
          .run(async () => (over() ? void unstarted.push(next.id) : refreshClaimedConnection(ctx, next)))
          .catch((err: unknown): RefreshOutcome | undefined => {
            summary.errors.push(`${provider}:${next.id}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300));
            return undefined;
          });
        count(summary, outcome);
      }
    };
    await Promise.all(Array.from({ length: settings.providerConcurrency }, worker));
    // Out of time or stopping: give the rest back so the next sweep (or another instance) takes them now.
    const left = [...unstarted, ...queue.splice(0).map((c) => c.id)];
    summary.released += left.length;
    await releaseLeases(db, { owner, ids: left });
  };

  await Promise.all(PLATFORM_SLUGS.map((p) => sweepProvider(p).catch((err: unknown) => summary.errors.push(`${p}: ${String(err)}`))));
  // A stopping process leaves deliveries and campaign syncs to the next sweep (they are leased too).
  if (!signal.aborted) {
    await housekeeping(db, summary, { owner, fetch: options.fetch, deadline });
    summary.insights = await advanceInsights(db, env, { owner, origin: options.origin, deadline, fetch: options.fetch, signal });
    summary.errors.push(...summary.insights.errors);
  }

  summary.durationMs = Date.now() - started;
  await insertSweepRun(db, summary).catch((err: unknown) => getLogger().error({ err }, 'could not record the sweep'));
  return summary;
}

function count(summary: SweepSummary, outcome: RefreshOutcome | undefined) {
  if (!outcome) return;
  if (outcome.kind === 'refreshed') summary.refreshed++;
  else if (outcome.kind === 'retrying' || outcome.kind === 'error' || outcome.kind === 'deferred') summary.failed++;
  else if (outcome.kind === 'needs_reauth') summary.needsReauth++;
  else if (outcome.kind === 'rescheduled' && outcome.warned) summary.warned++;
}

/** Webhook deliveries, expired OAuth states and ended rate-limit windows ride along with every sweep. */
async function housekeeping(
  db: Database,
  summary: SweepSummary,
  opts: { owner: string; fetch?: typeof fetch; deadline: number },
): Promise<void> {
  try {
    if (Date.now() < opts.deadline) {
      const delivered = await deliverDueNotifications(db, { owner: opts.owner, deadline: opts.deadline });
      summary.deliveries = delivered.delivered + delivered.retrying + delivered.failed;
    }
    await deleteExpiredOAuthStates(db);
    await deleteExpiredRateLimits(db);
  } catch (err) {
    summary.errors.push(`housekeeping: ${(err as Error)?.message ?? String(err)}`.slice(0, 300));
  }
}
