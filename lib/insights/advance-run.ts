import 'server-only';
import type { Database } from '../db';
import { getTarget } from '../db/insights-targets';
import { updateRun, type RunGuard, type RunRow, type RunUpdate } from '../db/insights-runs';
import { upsertCampaigns, upsertDailyMetrics } from '../db/insights-metrics';
import type { Env } from '../env';
import { ProviderError, type ProviderSlug, type ResolvedProvider } from '../providers/types';
import { TokenUnavailable } from '../refresh/fresh-token';
import { backoffSec, MAX_ATTEMPTS } from '../refresh/schedule';
import { getLogger } from '../log';
import { createTokenSession, isPermanentReportingError, rateLimitDeferSec } from './access';
import type { CampaignInfo, FetchContext, InsightFetcher } from './fetcher';
import { fetcherFor } from './fetchers';
import { notifyRunFailed } from './notify';
import { parseProgress, type RunProgress } from './progress';
import { deferNearLimit, ReportSteps, type FetchedChunk, type StepRun } from './report-steps';
import type { InsightProvider, InsightRow, SyncTarget } from './types';
import { daysIn } from './windows';

/**
 * Advances one claimed run through its states (queued → requesting → waiting → downloading →
 * writing → succeeded / failed / deferred) while it holds the lease and time remains. Each step's
 * result is written before the next begins: a report id as soon as Amazon returns it, a chunk's
 * rows in the same transaction as the progress that marks it done. Never throws for provider
 * trouble; every end is recorded with its reason.
 */

export interface InsightContext {
  db: Database;
  env: Env;
  owner: string;
  origin: string;
  fetch?: typeof fetch;
  resolveProvider(slug: ProviderSlug): Promise<ResolvedProvider | null>;
  /** Stop starting provider calls after this (ms since epoch). */
  deadline: number;
  /** Waits between inline polls of an Amazon report before handing it to a later sweep. */
  pollWaitsMs: readonly number[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The process is stopping once aborted: the step under way finishes and is stored, then the run
   * hands its lease back due now, so another instance resumes it at once (lib/shutdown.ts).
   */
  signal?: AbortSignal;
}

export type AdvanceOutcome = 'succeeded' | 'failed' | 'deferred' | 'waiting' | 'retrying' | 'paused' | 'lost_lease';

/** Leave this much of the budget for writing the last result. */
const MARGIN_MS = 2_000;

/** Said by a run whose tokens no configured key can decrypt (an operator's problem, not the user's). */
export const KEY_UNAVAILABLE_SYNC_MESSAGE =
  'This server cannot decrypt the connection’s stored tokens with its configured encryption keys; ' +
  'its operator must restore the key (ENCRYPTION_KEYS). Syncing resumes once the key is back.';

class LostLease extends Error {}

/**
 * Writes a step's result under the lease; a run ending `failed` also enqueues the
 * `insights.sync_failed` webhook in the same transaction. False when the lease is no longer ours.
 */
async function persist(ctx: InsightContext, guard: RunGuard, run: RunRow, u: RunUpdate): Promise<boolean> {
  if (u.state !== 'failed') return updateRun(ctx.db, guard, u);
  return ctx.db.transaction(async (tx) => {
    if (!(await updateRun(tx, guard, u))) return false;
    await notifyRunFailed(tx, run, u);
    return true;
  });
}

export async function advanceRun(ctx: InsightContext, run: RunRow): Promise<AdvanceOutcome> {
  const guard: RunGuard = { id: run.id, owner: ctx.owner };
  const save = async (u: RunUpdate) => {
    if (!(await persist(ctx, guard, run, u))) throw new LostLease();
  };
  const provider = run.provider as InsightProvider;
  const progress = parseProgress(run.progress);
  const targetRow = await getTarget(ctx.db, { id: run.target_id });
  let steps: RunSteps | undefined;
  try {
    if (!progress || !targetRow) {
      await save({ state: 'failed', errorCode: 'invalid_run', errorMessage: 'The run’s progress or target is missing.' });
      return 'failed';
    }
    const resolved = await ctx.resolveProvider(provider);
    if (!resolved) {
      await save({ state: 'failed', errorCode: 'provider_not_configured', errorMessage: 'This provider is not configured.' });
      return 'failed';
    }
    const target: SyncTarget = {
      id: targetRow.id,
      userId: targetRow.user_id,
      connectionId: targetRow.connection_id,
      provider,
      accountId: targetRow.account_id,
      accountName: targetRow.account_name,
      region: targetRow.region,
      currency: targetRow.currency,
      timeZone: targetRow.time_zone,
    };
    const session = createTokenSession({ db: ctx.db, env: ctx.env, userId: run.user_id, connectionId: run.connection_id, origin: ctx.origin, fetch: ctx.fetch });
    steps = new RunSteps(ctx, run, target, progress, fetcherFor(provider, run.days_total, ctx.env.insights), resolved, session, save);
    return await steps.run();
  } catch (err) {
    if (err instanceof LostLease) return 'lost_lease';
    return recordFailure(ctx, guard, run, provider, err, steps?.takeRequests() ?? 0).catch((e: unknown) => (e instanceof LostLease ? 'lost_lease' : Promise.reject(e)));
  }
}

/** The run's reason to end or wait, written with the lease released. */
async function recordFailure(
  ctx: InsightContext,
  guard: RunGuard,
  run: RunRow,
  provider: InsightProvider,
  err: unknown,
  requests: number,
): Promise<AdvanceOutcome> {
  const write = async (u: RunUpdate) => {
    if (!(await persist(ctx, guard, run, { ...u, addRequests: requests, release: true }))) throw new LostLease();
  };
  if (err instanceof TokenUnavailable) {
    if (err.code === 'provider_unavailable') {
      await write({ state: 'deferred', errorCode: 'token_unavailable', errorMessage: err.message, nextRunInSec: Math.max(60, err.retryAfterSec ?? 60) });
      return 'deferred';
    }
    if (err.code === 'key_unavailable') {
      // The server's encryption key, not the user's grant: reconnecting is not what to ask for.
      await write({ state: 'failed', errorCode: 'key_unavailable', errorMessage: KEY_UNAVAILABLE_SYNC_MESSAGE });
      return 'failed';
    }
    // A dead grant: the run fails with "reconnect"; scheduling skips the connection until it is active again.
    await write({ state: 'failed', errorCode: 'reconnect', errorMessage: err.message });
    return 'failed';
  }
  const deferSec = rateLimitDeferSec(err, provider);
  if (deferSec !== undefined) {
    await write({ state: 'deferred', errorCode: 'rate_limited', errorMessage: describe(err), nextRunInSec: deferSec });
    return 'deferred';
  }
  const permanent = isPermanentReportingError(err);
  if (!(err instanceof ProviderError)) getLogger().warn({ err, runId: run.id }, 'insights run step failed unexpectedly');
  const attempts = run.attempts + 1;
  if (permanent || attempts >= MAX_ATTEMPTS) {
    await write({ state: 'failed', attempts, errorCode: errorCode(err), errorMessage: describe(err) });
    return 'failed';
  }
  const retryAfter = err instanceof ProviderError ? err.retryAfterSec : undefined;
  // The state stays where it was, so the next advance resumes the same step.
  await write({ state: run.state, attempts, errorCode: errorCode(err), errorMessage: describe(err), nextRunInSec: backoffSec(attempts, retryAfter) });
  return 'retrying';
}

const errorCode = (err: unknown) => (err instanceof ProviderError ? err.code : 'internal_error');
const describe = (err: unknown) =>
  (err instanceof ProviderError ? err.message : 'An unexpected error stopped the sync; it will be retried.').slice(0, 500);

/** The run's side of its steps: budget, token session, request count, writes under the lease (StepRun). */
class RunSteps implements StepRun {
  private requests = 0;
  /** The report steps, for a report fetcher; the sync read is fetchSync. */
  private readonly reports: ReportSteps | undefined;
  constructor(
    private readonly ctx: InsightContext,
    private readonly row: RunRow,
    private readonly target: SyncTarget,
    readonly progress: RunProgress,
    private readonly fetcher: InsightFetcher,
    private readonly provider: ResolvedProvider,
    private readonly session: ReturnType<typeof createTokenSession>,
    readonly save: (u: RunUpdate) => Promise<void>,
  ) {
    this.reports = fetcher.kind === 'report' ? new ReportSteps(this, fetcher) : undefined;
  }

  get pollWaitsMs(): readonly number[] {
    return this.ctx.pollWaitsMs;
  }

  call<T>(fn: (c: FetchContext) => Promise<T>): Promise<T> {
    this.requests++;
    return this.session.call((accessToken) => fn({ provider: this.provider, accessToken, target: this.target, now: new Date() }));
  }

  stopping(): boolean {
    return this.ctx.signal?.aborted ?? false;
  }

  timeLeft(): boolean {
    return Date.now() < this.ctx.deadline - MARGIN_MS && !this.stopping();
  }

  canWait(ms: number): boolean {
    return Date.now() + ms < this.ctx.deadline - MARGIN_MS;
  }

  sleep(ms: number): Promise<void> {
    return (this.ctx.sleep ?? defaultSleep)(ms, this.ctx.signal);
  }

  async pause(state: string): Promise<'paused'> {
    await this.save({ state, progress: this.progress, addRequests: this.takeRequests(), nextRunInSec: 0, release: true });
    return 'paused';
  }

  takeRequests(): number {
    const n = this.requests;
    this.requests = 0;
    return n;
  }

  async run(): Promise<AdvanceOutcome> {
    const { progress } = this;
    if (this.row.state === 'queued' || this.row.state === 'deferred') {
      await this.save({ state: 'requesting', errorCode: null, errorMessage: null });
      this.row.state = 'requesting';
    }
    while (progress.index < progress.chunks.length) {
      if (!this.timeLeft()) return this.pause('requesting');
      const rows = this.reports ? await this.reports.fetchReport() : await this.fetchSync();
      if (rows === 'waiting' || rows === 'paused' || rows === 'deferred') return rows;
      const outcome = await this.write(rows.rows, rows.campaigns);
      if (outcome === 'succeeded') return outcome;
      if (rows.pauseSec !== undefined) return deferNearLimit(this, rows.pauseSec);
    }
    return 'succeeded';
  }

  private async fetchSync(): Promise<FetchedChunk> {
    if (this.fetcher.kind !== 'sync') throw new Error('not a synchronous fetcher');
    const fetcher = this.fetcher;
    const chunk = this.progress.chunks[this.progress.index]!;
    // At least one request is made even when it fails; the fetcher reports the real count on success.
    this.requests += 1;
    const result = await this.session.call((accessToken) =>
      fetcher.fetchChunk({ provider: this.provider, accessToken, target: this.target, now: new Date(), chunkIndex: this.progress.index }, chunk),
    );
    this.requests += result.requests - 1;
    return result;
  }

  /** The chunk's rows and the progress that marks it done, in one transaction, under the lease. */
  private async write(rows: InsightRow[], campaigns?: CampaignInfo[]): Promise<AdvanceOutcome | undefined> {
    const { progress } = this;
    const chunk = progress.chunks[progress.index]!;
    // Only the chunk's days: a provider answering beyond the range must not mark days the run did not ask for.
    const unique = dedupe(rows).filter((r) => r.day >= chunk.from && r.day <= chunk.to);
    const daysDone = progress.chunks.slice(0, progress.index + 1).reduce((n, c) => n + daysIn(c), 0);
    progress.index += 1;
    const done = progress.index >= progress.chunks.length;
    const requests = this.takeRequests();
    await this.ctx.db.transaction(async (tx) => {
      // The lease check first: it locks the run row, so a run whose lease moved on writes nothing.
      const written = await updateRun(tx, { id: this.row.id, owner: this.ctx.owner }, {
        state: done ? 'succeeded' : 'requesting',
        progress,
        daysDone,
        addRows: unique.length,
        addRequests: requests,
        attempts: 0,
        ...(done ? { errorCode: null, errorMessage: null } : {}),
      });
      if (!written) throw new LostLease();
      await upsertDailyMetrics(tx, {
        userId: this.row.user_id,
        provider: this.row.provider,
        connectionId: this.row.connection_id,
        accountId: this.target.accountId,
        rows: unique,
      });
      if (campaigns?.length) {
        await upsertCampaigns(tx, { userId: this.row.user_id, provider: this.row.provider, connectionId: this.row.connection_id, accountId: this.target.accountId, campaigns });
      }
    });
    return done ? 'succeeded' : undefined;
  }
}

/** One row per (campaign, day), the last one winning: an upsert cannot touch a row twice. */
function dedupe(rows: InsightRow[]): InsightRow[] {
  return [...new Map(rows.map((r) => [`${r.campaignId}|${r.day}`, r])).values()];
}

/** Waits `ms`, or less when the process starts stopping meanwhile. */
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
