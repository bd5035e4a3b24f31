import 'server-only';
import crypto from 'node:crypto';
import os from 'node:os';
import type { Database } from '../db';
import { claimDueRuns, releaseRunLeases, type RunRow } from '../db/insights-runs';
import type { Env } from '../env';
import { getLogger } from '../log';
import { recordInsightRun } from '../metrics/record';
import { createProviderResolver } from '../refresh/provider-resolver';
import { Semaphore } from '../refresh/semaphore';
import { advanceRun, type AdvanceOutcome, type InsightContext } from './advance-run';
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
  sleep?: (ms: number) => Promise<void>;
}

/** A run lease outlives any one step (provider timeouts are 15 s) by far. */
export const RUN_LEASE_SEC = 300;
/** Inline report polls while a sweep still has time: the embedded default shows numbers within a minute. */
const DEFAULT_POLL_WAITS_MS = [1_000, 2_000, 4_000];

export async function advanceInsights(db: Database, env: Env, options: InsightSweepOptions): Promise<InsightSweepSummary> {
  const summary: InsightSweepSummary = { targetsRefreshed: 0, queued: 0, advanced: 0, outcomes: {}, errors: [] };
  if (!env.insights.enabled) return summary;
  const note = (where: string, err: unknown) =>
    summary.errors.push(`insights ${where}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300));

  try {
    summary.targetsRefreshed = await refreshSyncTargets(db);
    summary.queued = await queueDueRuns(db, env.insights);
  } catch (err) {
    note('scheduling', err);
  }

  const ctx: InsightContext = {
    db,
    env,
    owner: options.owner,
    origin: options.origin,
    fetch: options.fetch,
    resolveProvider: createProviderResolver(env, { origin: options.origin, fetch: options.fetch }),
    deadline: options.deadline,
    pollWaitsMs: options.pollWaitsMs ?? DEFAULT_POLL_WAITS_MS,
    sleep: options.sleep,
  };
  const cap = env.insights.providerConcurrency;

  const sweepProvider = async (provider: InsightProvider) => {
    const gate = new Semaphore(cap);
    const seen = new Set<string>();
    while (Date.now() < options.deadline) {
      const runs: RunRow[] = await claimDueRuns(db, { owner: options.owner, provider, leaseSec: RUN_LEASE_SEC, limit: cap, cap });
      // A run handed back to "now" in this sweep (e.g. re-created report) waits for the next sweep.
      const fresh = runs.filter((r) => !seen.has(r.id));
      await releaseRunLeases(db, { owner: options.owner, ids: runs.filter((r) => seen.has(r.id)).map((r) => r.id) });
      if (fresh.length === 0) return;
      await Promise.all(
        fresh.map((run) =>
          gate.run(async () => {
            seen.add(run.id);
            if (Date.now() >= options.deadline) return releaseRunLeases(db, { owner: options.owner, ids: [run.id] });
            const outcome = await advanceRun(ctx, run).catch((err: unknown) => {
              note(`${provider}:${run.id}`, err);
              return undefined;
            });
            recordInsightRun(provider, outcome ?? 'crashed');
            summary.advanced++;
            if (outcome) summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
          }),
        ),
      );
    }
  };
  await Promise.all(INSIGHT_PROVIDERS.map((p) => sweepProvider(p).catch((err: unknown) => note(p, err))));
  return summary;
}

/**
 * Advances runs right after Sync now, so a person need not wait for the next sweep; the same
 * leases apply, so it cannot collide with a sweep. Never throws.
 */
export async function advanceInsightsNow(db: Database, env: Env, origin: string, budgetMs = 25_000): Promise<void> {
  const owner = `sync-now:${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  try {
    const summary = await advanceInsights(db, env, { owner, origin, deadline: Date.now() + budgetMs });
    if (summary.errors.length) getLogger().warn({ errors: summary.errors.length }, 'insights sync-now finished with errors');
  } catch (err) {
    getLogger().error({ err }, 'insights sync-now failed');
  }
}
