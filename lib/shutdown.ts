import 'server-only';
import os from 'node:os';
import { getLogger } from './log';

/**
 * One orderly stop on SIGTERM/SIGINT: stop intake -> drain refreshes -> flush the audit batch ->
 * exit with the signal's code (143/130). Why wait at all: X rotates refresh tokens, so once its
 * answer is on the way the stored refresh token is already spent; exiting before the answer is
 * written kills the grant silently. Insight sync runs in flight are waited for too: they stop
 * claiming, finish the step under way, store their progress and hand their lease back, so another
 * instance resumes them at once instead of after the lease (lib/insights/sweep.ts). The wait is
 * bounded by SHUTDOWN_GRACE_MS (default 25 s, under the usual 30 s before an orchestrator sends
 * SIGKILL); what is still in flight then is logged (connection and run ids) and abandoned. The
 * leases of abandoned insight runs are handed back first (one statement, bounded by
 * RELEASE_TIMEOUT_MS and by what is left of the grace), so another instance need not wait them
 * out; refresh leases never are.
 *
 * `next start` has its own handler: it stops accepting connections, waits for open requests
 * (cron-route sweeps, token API refreshes) and their `after()` callbacks, then calls
 * `process.exit(143)` — without knowing about the in-process scheduler. So for the length of the
 * stop, `process.exit` is held: Next's call is remembered and carried out once the refreshes are
 * written. Where nothing else handles the signal (NEXT_MANUAL_SIG_HANDLE, a custom server), this
 * module exits by itself.
 */

export type StopSignal = 'SIGTERM' | 'SIGINT';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Work a stop waits for: a refresh (named by its connection) or an insight run's advance. */
interface InFlight {
  kind: 'refresh' | 'insight_run';
  id: string;
}

interface ShutdownState {
  controller: AbortController;
  inFlight: Map<symbol, InFlight>;
  idle: Set<() => void>;
  installed: boolean;
}

const holder = globalThis as unknown as { grantkeeperShutdown?: ShutdownState };
const state = (): ShutdownState =>
  (holder.grantkeeperShutdown ??= { controller: new AbortController(), inFlight: new Map(), idle: new Set(), installed: false });

/** Aborted the moment a stop begins: sweeps stop claiming and starting work when it is. */
export function stopSignal(): AbortSignal {
  return state().controller.signal;
}

export function stopping(): boolean {
  return stopSignal().aborted;
}

async function track<T>(entry: InFlight, work: () => Promise<T>): Promise<T> {
  const s = state();
  const key = Symbol(entry.id);
  s.inFlight.set(key, entry);
  try {
    return await work();
  } finally {
    s.inFlight.delete(key);
    if (s.inFlight.size === 0) for (const resolve of s.idle) resolve();
  }
}

/** Runs one refresh (provider call and its token write) that a stop waits for. */
export function trackRefresh<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
  return track({ kind: 'refresh', id: connectionId }, work);
}

/**
 * Runs one insight-run claim and advance that a stop waits for. Tracked from before the claim (a
 * run claimed while the stop begins is handed back, not left leased); `work` names the run once
 * it has one.
 */
export function trackInsightRun<T>(work: (claimed: (runId: string) => void) => Promise<T>): Promise<T> {
  const entry: InFlight = { kind: 'insight_run', id: 'claiming' };
  return track(entry, () => work((runId) => (entry.id = runId)));
}

const idsOf = (kind: InFlight['kind']) => [...state().inFlight.values()].filter((e) => e.kind === kind).map((e) => e.id);

/** Connection ids whose refresh is in flight in this process. */
export function refreshesInFlight(): string[] {
  return idsOf('refresh');
}

/** Insight runs being advanced in this process ('claiming' while a claim has not answered yet). */
export function insightRunsInFlight(): string[] {
  return idsOf('insight_run');
}

function whenIdle(): Promise<void> {
  const s = state();
  if (s.inFlight.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      s.idle.delete(done);
      resolve();
    };
    s.idle.add(done);
  });
}

export interface StopPlan {
  /** How long a stop may take in all (SHUTDOWN_GRACE_MS). */
  graceMs: number;
  /** Writes what is buffered (the token-read audit batch); runs once the drain is over. */
  flush: () => Promise<void>;
  /**
   * Hands back the leases of the insight runs this process still holds once the grace is over
   * (releaseThisProcessRuns in lib/insights/sweep.ts); resolves to the run ids freed.
   */
  releaseInsightRuns?: () => Promise<string[]>;
}

/** How long the lease hand-back may hold the exit: a dead database must not keep the process up. */
export const RELEASE_TIMEOUT_MS = 1500;

/** Registers the stop sequence for SIGTERM and SIGINT, once per process. */
export function stopGracefullyOnSignal(plan: StopPlan): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      // Another handler (Next's) will ask to exit once its own requests are done.
      const othersExit = process.listenerCount(signal) > 1;
      void stopGracefully(signal, plan, othersExit);
    });
  }
}

/** A timer that keeps the event loop alive on purpose (nothing else may while a refresh waits). */
function timer(ms: number): { elapsed: Promise<void>; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (handle = setTimeout(resolve, Math.max(0, ms))));
  return { elapsed, cancel: () => clearTimeout(handle) };
}

/**
 * The stop sequence; resolves to the exit code it exited with. A second signal during a stop
 * changes nothing (a shell sends SIGINT to the whole group, Next's parent sends one more).
 */
export async function stopGracefully(signal: StopSignal, plan: StopPlan, othersExit: boolean): Promise<number | undefined> {
  const s = state();
  if (s.controller.signal.aborted) return undefined;
  const startedAt = Date.now();
  const log = getLogger().child({ component: 'shutdown' });
  s.controller.abort();

  const exit = process.exit;
  let requested: number | undefined;
  let onRequest = () => {};
  const exitRequested = new Promise<void>((resolve) => (onRequest = resolve));
  process.exit = ((code?: number | string | null) => {
    requested = typeof code === 'number' ? code : Number(code ?? 0) || 0;
    onRequest();
  }) as typeof process.exit;

  // Started now so requests waiting for their batch (the token route's after()) finish soon.
  void plan.flush().catch(() => {});
  log.info(
    { signal, inFlight: refreshesInFlight().length, insightRuns: insightRunsInFlight().length, graceMs: plan.graceMs },
    'stopping: no new refreshes or insight runs; waiting for those in flight',
  );

  // The last part of the grace is kept for the audit write.
  const reserveMs = Math.min(2000, Math.floor(plan.graceMs / 5));
  const drainEnds = startedAt + plan.graceMs - reserveMs;
  const drainTimer = timer(drainEnds - Date.now());
  const drained = await Promise.race([
    Promise.all([whenIdle(), othersExit ? exitRequested : undefined]).then(() => true),
    drainTimer.elapsed.then(() => false),
  ]);
  drainTimer.cancel();
  let handingBack: Promise<void> | undefined;
  if (!drained) {
    const abandoned = refreshesInFlight();
    const abandonedInsightRuns = insightRunsInFlight();
    log.error(
      { signal, graceMs: plan.graceMs, abandoned, abandonedInsightRuns, requestsOpen: othersExit && requested === undefined },
      abandoned.length > 0
        ? 'stopping: grace period over; refreshes abandoned (a rotated refresh token may be lost for these connections)'
        : abandonedInsightRuns.length > 0
          ? 'stopping: grace period over; insight runs abandoned (their leases are handed back; each resumes from its last stored step)'
          : 'stopping: grace period over while requests were still open',
    );
    // Insight runs only. A refresh lease is kept until it lapses: X rotates refresh tokens, so a
    // refresh still in flight may already have spent the stored one, and a second refresh started
    // on it now would fail and could revoke the grant.
    // Within what is left of the grace: the orchestrator's SIGKILL follows it.
    const releaseMs = Math.min(RELEASE_TIMEOUT_MS, startedAt + plan.graceMs - Date.now());
    if (abandonedInsightRuns.length > 0 && plan.releaseInsightRuns) handingBack = handBackInsightRuns(plan.releaseInsightRuns, releaseMs, log);
  }
  const flushTimer = timer(startedAt + plan.graceMs - Date.now());
  await Promise.all([
    Promise.race([plan.flush().catch((err: unknown) => log.error({ err }, 'stopping: audit batch not written')), flushTimer.elapsed]),
    handingBack,
  ]);
  flushTimer.cancel();
  const code = requested ?? 128 + os.constants.signals[signal];
  log.info({ signal, code, ms: Date.now() - startedAt, drained }, 'stopped');
  process.exit = exit;
  exit.call(process, code);
  return code;
}

/** Frees this process's insight run leases, waiting at most `timeoutMs`; logs run ids only. */
async function handBackInsightRuns(release: () => Promise<string[]>, timeoutMs: number, log: ReturnType<typeof getLogger>): Promise<void> {
  const limit = timer(Math.max(0, timeoutMs));
  const outcome = await Promise.race([
    release().then(
      (runIds) => ({ runIds }),
      (err: unknown) => ({ err }),
    ),
    limit.elapsed.then(() => ({ timedOut: true as const })),
  ]);
  limit.cancel();
  if ('runIds' in outcome) log.info({ releasedInsightRuns: outcome.runIds }, 'stopping: insight run leases handed back; another instance resumes them at once');
  else if ('err' in outcome) log.error({ err: outcome.err }, 'stopping: insight run leases not handed back; they lapse on their own');
  else log.error({ timeoutMs }, 'stopping: insight run leases not handed back in time; they lapse on their own');
}
