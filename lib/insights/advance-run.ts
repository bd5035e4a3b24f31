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
import type { CampaignInfo, FetchContext, InsightFetcher, ReportFetcher, ReportStatus, UsagePause } from './fetcher';
import { fetcherFor } from './fetchers';
import { notifyRunFailed } from './notify';
import { parseProgress, type RunProgress } from './progress';
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

/** A report Amazon failed is re-created at most this many times (insights.md #6). */
export const MAX_REPORT_RECREATES = 2;
/** Polls of one report before it is given up: 15 s doubling to 10 min makes this about 3.5 hours (reports "can take up to three hours" [AZ7]). */
export const MAX_REPORT_POLLS = 25;
/** Polling backoff for a report handed to later sweeps: 15 s doubling to 10 min (reports take up to 3 hours [AZ7]). */
export const pollDelaySec = (polls: number) => Math.min(15 * 2 ** Math.max(0, polls - 1), 600);
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

class RunSteps {
  private requests = 0;
  /** Reports of later chunks seen completed while an earlier one was waited for: report id → download URL. */
  private readonly ready = new Map<string, string>();
  /** Set once a report step's answer says the provider is near its limit: no create or poll is started after it. */
  private pauseSec: number | undefined;
  constructor(
    private readonly ctx: InsightContext,
    private readonly row: RunRow,
    private readonly target: SyncTarget,
    private readonly progress: RunProgress,
    private readonly fetcher: InsightFetcher,
    private readonly provider: ResolvedProvider,
    private readonly session: ReturnType<typeof createTokenSession>,
    private readonly save: (u: RunUpdate) => Promise<void>,
  ) {}

  private call<T>(fn: (c: FetchContext) => Promise<T>): Promise<T> {
    this.requests++;
    return this.session.call((accessToken) => fn({ provider: this.provider, accessToken, target: this.target, now: new Date() }));
  }

  private stopping(): boolean {
    return this.ctx.signal?.aborted ?? false;
  }

  /** False once out of budget or stopping: the next step is not started. */
  private timeLeft(): boolean {
    return Date.now() < this.ctx.deadline - MARGIN_MS && !this.stopping();
  }

  /** Hands the run to a later sweep without losing anything. */
  private async pause(state: string, nextRunInSec = 0): Promise<'paused'> {
    await this.save({ state, progress: this.progress, addRequests: this.takeRequests(), nextRunInSec, release: true });
    return 'paused';
  }

  /**
   * The provider said it is near its limit (Meta usage headers): the run starts no new call and
   * hands itself to a later sweep, keeping what it has (written chunks, report ids, poll counts).
   */
  private async deferNearLimit(pauseSec: number): Promise<'deferred'> {
    await this.save({
      state: 'deferred',
      errorCode: 'rate_limited',
      errorMessage: 'The provider is near its rate limit; paused.',
      progress: this.progress,
      reportIds: reportIds(this.progress),
      addRequests: this.takeRequests(),
      nextRunInSec: pauseSec,
      release: true,
    });
    return 'deferred';
  }

  /** Remembers the longest pause a report step's answer advised (for this advance only). */
  private note<T extends UsagePause>(answer: T): T {
    if (answer.pauseSec !== undefined) this.pauseSec = Math.max(this.pauseSec ?? 0, answer.pauseSec);
    return answer;
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
      const rows = this.fetcher.kind === 'sync' ? await this.fetchSync() : await this.fetchReport();
      if (rows === 'waiting' || rows === 'paused' || rows === 'deferred') return rows;
      const outcome = await this.write(rows.rows, rows.campaigns);
      if (outcome === 'succeeded') return outcome;
      if (rows.pauseSec !== undefined) return this.deferNearLimit(rows.pauseSec);
    }
    return 'succeeded';
  }

  private async fetchSync(): Promise<{ rows: InsightRow[]; pauseSec?: number; campaigns?: CampaignInfo[] }> {
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

  /** Amazon reports and Meta report runs: create (once; the id is saved at once), poll, download. */
  private async fetchReport(): Promise<{ rows: InsightRow[]; pauseSec?: number; campaigns?: CampaignInfo[] } | 'waiting' | 'paused' | 'deferred'> {
    if (this.fetcher.kind !== 'report') throw new Error('not a report fetcher');
    const fetcher = this.fetcher;
    const chunk = this.progress.chunks[this.progress.index]!;
    // Every remaining chunk's report is requested up front: Amazon prepares them side by side
    // (each can take hours [AZ7]). Each id is saved the moment it is known.
    for (const pending of this.progress.chunks.slice(this.progress.index)) {
      if (pending.reportId) continue;
      // Near the limit no more are created; whoever resumes the run creates the rest.
      if (this.pauseSec !== undefined) break;
      pending.reportId = this.note(await this.call((c) => fetcher.createReport(c, pending))).reportId;
      pending.polls = 0;
      await this.save({ state: 'waiting', progress: this.progress, reportIds: reportIds(this.progress), addRequests: this.takeRequests() });
      // The ids so far are stored: whoever resumes it requests the rest.
      if (this.stopping()) return this.pause('waiting');
    }
    if (this.pauseSec !== undefined) return this.deferNearLimit(this.pauseSec);
    if (!chunk.reportId) throw new Error('the report was not created');
    for (let inline = 0; ; inline++) {
      const reportId = chunk.reportId;
      const known = this.ready.get(reportId);
      const status: ReportStatus = known !== undefined ? { status: 'completed', url: known } : this.note(await this.call((c) => fetcher.pollReport(c, reportId)));
      if (known === undefined) chunk.polls += 1;
      if (status.status === 'completed') {
        // A ready report is read even near the limit: the chunk is written whole, then the run defers (run()).
        await this.save({ state: 'downloading', progress: this.progress, addRequests: this.takeRequests() });
        const { rows } = this.note(await this.call((c) => fetcher.downloadReport(c, status.url)));
        return { rows, pauseSec: this.pauseSec };
      }
      // A report still pending after MAX_REPORT_POLLS (about 3.5 hours) is given up and requested again.
      const expired = status.status === 'pending' && chunk.polls >= MAX_REPORT_POLLS;
      if (status.status === 'failed' || expired) {
        if (chunk.recreated >= MAX_REPORT_RECREATES) {
          const reason = status.status === 'failed' ? status.reason : 'the report did not complete in time';
          throw new ProviderError({ code: expired ? 'report_timeout' : 'report_failed', description: reason, kind: 'permanent' });
        }
        chunk.recreated += 1;
        chunk.reportId = undefined;
        await this.save({ state: 'requesting', progress: this.progress, addRequests: this.takeRequests() });
        return this.fetchReport();
      }
      if (this.pauseSec !== undefined) return this.deferNearLimit(this.pauseSec);
      const wait = this.ctx.pollWaitsMs[inline];
      // The later chunks' reports are prepared side by side: look at them too while this one is
      // pending, so each is downloaded at once when its turn comes instead of starting to wait then.
      if (wait !== undefined) await this.pollAhead(fetcher);
      if (this.pauseSec !== undefined) return this.deferNearLimit(this.pauseSec);
      if (wait === undefined || Date.now() + wait >= this.ctx.deadline - MARGIN_MS) {
        await this.save({ state: 'waiting', progress: this.progress, addRequests: this.takeRequests(), nextRunInSec: pollDelaySec(chunk.polls), release: true });
        return 'waiting';
      }
      await (this.ctx.sleep ?? defaultSleep)(wait, this.ctx.signal);
      // Stopped while waiting: the next poll is another instance's, at once.
      if (this.stopping()) return this.pause('waiting');
    }
  }

  /** Polls the later chunks' reports not known to be ready; remembers the ready ones (for this advance only: URLs expire). */
  private async pollAhead(fetcher: ReportFetcher): Promise<void> {
    for (const later of this.progress.chunks.slice(this.progress.index + 1)) {
      const id = later.reportId;
      if (!id || this.ready.has(id) || !this.timeLeft() || this.pauseSec !== undefined) continue;
      const status = this.note(await this.call((c) => fetcher.pollReport(c, id)));
      later.polls += 1;
      // Pending or failed: handled when its turn comes, by its own poll.
      if (status.status === 'completed') this.ready.set(id, status.url);
    }
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

const reportIds = (progress: RunProgress) => progress.chunks.flatMap((c) => (c.reportId ? [c.reportId] : []));

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
