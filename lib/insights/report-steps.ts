import 'server-only';
import type { RunUpdate } from '../db/insights-runs';
import { ProviderError } from '../providers/types';
import type { CampaignInfo, FetchContext, ReportFetcher, ReportStatus, UsagePause } from './fetcher';
import type { RunProgress } from './progress';
import type { InsightRow } from './types';

/**
 * The report steps of a run (Amazon reports, Meta report runs): create every remaining chunk's
 * report, poll the current one (and the later ones while waiting), download it. The run's
 * lifecycle (lease, budget, writing chunks, failures) stays in advance-run.ts; these steps reach
 * it only through `StepRun`.
 */

/** A report Amazon failed is re-created at most this many times (insights.md #6). */
export const MAX_REPORT_RECREATES = 2;
/** Polls of one report before it is given up: 15 s doubling to 10 min makes this about 3.5 hours (reports "can take up to three hours" [AZ7]). */
export const MAX_REPORT_POLLS = 25;
/** Polling backoff for a report handed to later sweeps: 15 s doubling to 10 min (reports take up to 3 hours [AZ7]). */
export const pollDelaySec = (polls: number) => Math.min(15 * 2 ** Math.max(0, polls - 1), 600);

/** What a fetch step hands the run to write: one chunk's rows. */
export interface FetchedChunk {
  rows: InsightRow[];
  /** The provider is near its limit: the run defers once the chunk is written. */
  pauseSec?: number;
  campaigns?: CampaignInfo[];
}

/** What the report steps use of the run advancing them (RunSteps in advance-run.ts). */
export interface StepRun {
  readonly progress: RunProgress;
  /** Waits between inline polls of a report before handing it to a later sweep. */
  readonly pollWaitsMs: readonly number[];
  /** One provider request under the run's token session (counted). */
  call<T>(fn: (c: FetchContext) => Promise<T>): Promise<T>;
  /** Writes a step's result under the lease (throws once the lease is lost). */
  save(u: RunUpdate): Promise<void>;
  /** The requests made since the last write, reset to zero. */
  takeRequests(): number;
  stopping(): boolean;
  /** False once out of budget or stopping: the next step is not started. */
  timeLeft(): boolean;
  /** True when waiting `ms` still leaves the budget's margin for writing the result. */
  canWait(ms: number): boolean;
  sleep(ms: number): Promise<void>;
  /** Hands the run to a later sweep without losing anything. */
  pause(state: string): Promise<'paused'>;
}

/**
 * The provider said it is near its limit (Meta usage headers): the run starts no new call and
 * hands itself to a later sweep, keeping what it has (written chunks, report ids, poll counts).
 */
export async function deferNearLimit(run: StepRun, pauseSec: number): Promise<'deferred'> {
  await run.save({
    state: 'deferred',
    errorCode: 'rate_limited',
    errorMessage: 'The provider is near its rate limit; paused.',
    progress: run.progress,
    reportIds: reportIds(run.progress),
    addRequests: run.takeRequests(),
    nextRunInSec: pauseSec,
    release: true,
  });
  return 'deferred';
}

/** One advance's report steps; what it remembers (ready URLs, the advised pause) lasts this advance only. */
export class ReportSteps {
  /** Reports of later chunks seen completed while an earlier one was waited for: report id → download URL. */
  private readonly ready = new Map<string, string>();
  /** Set once a report step's answer says the provider is near its limit: no create or poll is started after it. */
  private pauseSec: number | undefined;

  constructor(
    private readonly run: StepRun,
    private readonly fetcher: ReportFetcher,
  ) {}

  /** Remembers the longest pause a report step's answer advised (for this advance only). */
  private note<T extends UsagePause>(answer: T): T {
    if (answer.pauseSec !== undefined) this.pauseSec = Math.max(this.pauseSec ?? 0, answer.pauseSec);
    return answer;
  }

  /** Create (once; the id is saved at once), poll, download the current chunk's report. */
  async fetchReport(): Promise<FetchedChunk | 'waiting' | 'paused' | 'deferred'> {
    const { run, fetcher } = this;
    const { progress } = run;
    const chunk = progress.chunks[progress.index]!;
    // Every remaining chunk's report is requested up front: Amazon prepares them side by side
    // (each can take hours [AZ7]). Each id is saved the moment it is known.
    for (const pending of progress.chunks.slice(progress.index)) {
      if (pending.reportId) continue;
      // Near the limit no more are created; whoever resumes the run creates the rest.
      if (this.pauseSec !== undefined) break;
      pending.reportId = this.note(await run.call((c) => fetcher.createReport(c, pending))).reportId;
      pending.polls = 0;
      await run.save({ state: 'waiting', progress, reportIds: reportIds(progress), addRequests: run.takeRequests() });
      // The ids so far are stored: whoever resumes it requests the rest.
      if (run.stopping()) return run.pause('waiting');
    }
    if (this.pauseSec !== undefined) return deferNearLimit(run, this.pauseSec);
    if (!chunk.reportId) throw new Error('the report was not created');
    for (let inline = 0; ; inline++) {
      const reportId = chunk.reportId;
      const known = this.ready.get(reportId);
      const status: ReportStatus = known !== undefined ? { status: 'completed', url: known } : this.note(await run.call((c) => fetcher.pollReport(c, reportId)));
      if (known === undefined) chunk.polls += 1;
      if (status.status === 'completed') {
        // A ready report is read even near the limit: the chunk is written whole, then the run defers (advance-run.ts).
        await run.save({ state: 'downloading', progress, addRequests: run.takeRequests() });
        const { rows } = this.note(await run.call((c) => fetcher.downloadReport(c, status.url)));
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
        await run.save({ state: 'requesting', progress, addRequests: run.takeRequests() });
        return this.fetchReport();
      }
      if (this.pauseSec !== undefined) return deferNearLimit(run, this.pauseSec);
      const wait = run.pollWaitsMs[inline];
      // The later chunks' reports are prepared side by side: look at them too while this one is
      // pending, so each is downloaded at once when its turn comes instead of starting to wait then.
      if (wait !== undefined) await this.pollAhead();
      if (this.pauseSec !== undefined) return deferNearLimit(run, this.pauseSec);
      if (wait === undefined || !run.canWait(wait)) {
        await run.save({ state: 'waiting', progress, addRequests: run.takeRequests(), nextRunInSec: pollDelaySec(chunk.polls), release: true });
        return 'waiting';
      }
      await run.sleep(wait);
      // Stopped while waiting: the next poll is another instance's, at once.
      if (run.stopping()) return run.pause('waiting');
    }
  }

  /** Polls the later chunks' reports not known to be ready; remembers the ready ones (for this advance only: URLs expire). */
  private async pollAhead(): Promise<void> {
    const { run, fetcher } = this;
    for (const later of run.progress.chunks.slice(run.progress.index + 1)) {
      const id = later.reportId;
      if (!id || this.ready.has(id) || !run.timeLeft() || this.pauseSec !== undefined) continue;
      const status = this.note(await run.call((c) => fetcher.pollReport(c, id)));
      later.polls += 1;
      // Pending or failed: handled when its turn comes, by its own poll.
      if (status.status === 'completed') this.ready.set(id, status.url);
    }
  }
}

const reportIds = (progress: RunProgress) => progress.chunks.flatMap((c) => (c.reportId ? [c.reportId] : []));
