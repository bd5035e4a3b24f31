import 'server-only';
import type { Database } from '../db';
import { claimDueRuns, releaseRunLeases, releaseRunLeasesMarked } from '../db/insights-runs';
import type { Env } from '../env';
import { getLogger } from '../log';
import { recordInsightRun } from '../metrics/record';
import { stopSignal, trackInsightRun } from '../shutdown';
import { leaseOwner, thisProcessOwnerMark } from '../refresh/lease';
import { createProviderResolver } from '../refresh/provider-resolver';
import { advanceRun, type AdvanceOutcome, type InsightContext } from './advance-run';
import { createAccountLister } from './account-lister';
import { queueDueRuns } from './queue';
import { refreshSyncTargets } from './targets';
import { INSIGHT_PROVIDERS, type InsightProvider } from './types';

/**
 * The insights sync rides along with every refresh sweep (cron and in-process), inside its time
 * budget: derive targets, queue due runs, then advance claimed runs per provider under a cap.
 */

export interface InsightSweepSummary {
  targetsRefreshed: number;
  queued: number;
  advanced: number;
  outcomes: Partial<Record<AdvanceOutcome, number>>;
  errors: string[];
}

export interface InsightSweepOptions {
  owner: string;
  origin: string;
  /** ms since epoch; no provider call starts after it. */
  deadline: number;
  fetch?: typeof fetch;
  pollWaitsMs?: readonly number[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Once aborted, no run is claimed and runs under way pause at their next safe point. Default: the process's stop signal. */
  signal?: AbortSignal;
}

/** A run lease outlives any one step (provider timeouts are 15 s) by far. */
export const RUN_LEASE_SEC = 300;

/**
 * At a stop whose grace ran out with runs still under way (lib/shutdown.ts): their leases are
 * handed back so another instance resumes them at once rather than after RUN_LEASE_SEC. Safe
 * because the abandoned step's write fails (every write checks the lease), and a report request
 * whose answer was lost is recovered by the next holder (Amazon's 425 names the duplicate,
 * docs/insights-engine.md). Returns the run ids freed.
 */
export function releaseThisProcessRuns(db: Database): Promise<string[]> {
  return releaseRunLeasesMarked(db, thisProcessOwnerMark());
}

export async function advanceInsights(db: Database, env: Env, options: InsightSweepOptions): Promise<InsightSweepSummary> {
  const summary: InsightSweepSummary = { targetsRefreshed: 0, queued: 0, advanced: 0, outcomes: {}, errors: [] };
  if (!env.insights.enabled) return summary;
  const note = (where: string, err: unknown) =>
    summary.errors.push(`insights ${where}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300));

  const signal = options.signal ?? stopSignal();
  if (signal.aborted) return summary;
  const resolveProvider = createProviderResolver(env, { origin: options.origin, fetch: options.fetch });
  try {
    summary.targetsRefreshed = await refreshSyncTargets(db, {
      listAccounts: createAccountLister({ db, env, origin: options.origin, fetch: options.fetch, resolveProvider }),
      // Listing is housekeeping: it gets at most the first third of the budget.
      deadline: Date.now() + Math.max(0, options.deadline - Date.now()) / 3,
      signal,
    });
    if (!signal.aborted) summary.queued = await queueDueRuns(db, env.insights);
  } catch (err) {
    note('scheduling', err);
  }

  const ctx: InsightContext = {
    db,
    env,
    owner: options.owner,
    origin: options.origin,
    fetch: options.fetch,
    resolveProvider,
    deadline: options.deadline,
    // Inline report polls while a sweep still has time: the embedded default shows numbers within a minute.
    pollWaitsMs: options.pollWaitsMs ?? env.insights.reportPollWaitsMs,
    sleep: options.sleep,
    signal,
  };
  const cap = env.insights.providerConcurrency;

  /**
   * `cap` workers per provider, each claiming one due run at a time: a slow run (an Amazon report
   * polled inline) holds one slot, not a whole batch, so the other slots keep moving. The claim
   * itself enforces the cap across instances. Each claim and advance is one unit a graceful stop
   * waits for (lib/shutdown.ts): once stopping, nothing is claimed, a run claimed in that instant
   * is handed back, and a run under way stores its step and gives its lease back.
   */
  const sweepProvider = async (provider: InsightProvider) => {
    const seen = new Set<string>();
    const advanceOne = (): Promise<boolean> =>
      trackInsightRun(async (claimed) => {
        const [run] = await claimDueRuns(db, { owner: options.owner, provider, leaseSec: RUN_LEASE_SEC, limit: 1, cap });
        if (!run) return false;
        claimed(run.id);
        // A run handed back to "now" in this sweep (e.g. re-created report) waits for the next sweep.
        if (seen.has(run.id) || signal.aborted) {
          await releaseRunLeases(db, { owner: options.owner, ids: [run.id] });
          return false;
        }
        seen.add(run.id);
        const outcome = await advanceRun(ctx, run).catch((err: unknown) => {
          note(`${provider}:${run.id}`, err);
          return undefined;
        });
        recordInsightRun(provider, outcome ?? 'crashed');
        summary.advanced++;
        if (outcome) summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
        return true;
      });
    const worker = async () => {
      while (Date.now() < options.deadline && !signal.aborted) {
        if (!(await advanceOne())) return;
      }
    };
    await Promise.all(Array.from({ length: cap }, worker));
  };
  await Promise.all(INSIGHT_PROVIDERS.map((p) => sweepProvider(p).catch((err: unknown) => note(p, err))));
  return summary;
}

/**
 * Advances runs right after Sync now, so a person need not wait for the next sweep; the same
 * leases apply, so it cannot collide with a sweep. Never throws.
 */
export async function advanceInsightsNow(db: Database, env: Env, origin: string, budgetMs = 25_000): Promise<void> {
  // Named like every lease owner, so start-up recovery can tell a dead process's runs (lib/refresh/lease.ts).
  const owner = leaseOwner('sync-now');
  try {
    const summary = await advanceInsights(db, env, { owner, origin, deadline: Date.now() + budgetMs });
    if (summary.errors.length) getLogger().warn({ errors: summary.errors.length }, 'insights sync-now finished with errors');
  } catch (err) {
    getLogger().error({ err }, 'insights sync-now failed');
  }
}
