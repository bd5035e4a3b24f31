/**
 * Words for the campaign sync on the dashboard and a connection's page: progress, outcomes,
 * errors and the summary of a connection's sync targets. Pure, so every phrase is unit-tested
 * (tests/unit/sync-copy.test.ts).
 */
import type { SyncTargetView } from './sync-queries';

/** What X can give without an ads consent (README "What X can give"). */
export const X_ORGANIC_NOTE =
  'X figures are organic post metrics (impressions and engagement), with no spend or clicks. X Ads figures need a separate ads consent that Grantkeeper does not ask for yet.';

/** "Syncing… 12 of 30 days"; before the first chunk is written the total alone says what is coming. */
export function progressWords(progress: { daysDone: number; daysTotal: number } | null): string {
  if (!progress || progress.daysTotal <= 0) return 'Syncing…';
  const done = Math.min(progress.daysDone, progress.daysTotal);
  return `Syncing… ${done} of ${progress.daysTotal} day${progress.daysTotal === 1 ? '' : 's'}`;
}

/** 0–100 for a progress bar. */
export function progressPercent(progress: { daysDone: number; daysTotal: number } | null): number {
  if (!progress || progress.daysTotal <= 0) return 0;
  return Math.round((Math.min(progress.daysDone, progress.daysTotal) / progress.daysTotal) * 100);
}

const ERROR_WORDS: Record<string, string> = {
  reconnect: 'The grant is no longer valid, so nothing can be synced: reconnect this account to sync again.',
  key_unavailable:
    'This server cannot read the account’s stored tokens: its encryption key is missing or changed. Nothing for you to do here; whoever runs Grantkeeper must restore the key, and syncing resumes then.',
  rate_limited: 'The provider’s rate limit was reached; the sync resumes by itself.',
  token_unavailable: 'The provider did not hand out a fresh token just now; the sync tries again by itself.',
  report_failed: 'Amazon failed to build the report, even after it was requested again; the next sync tries afresh.',
  report_timeout: 'Amazon’s report was still not ready after about three and a half hours; the next sync tries afresh.',
  provider_not_configured: 'This provider is no longer configured on this server.',
  invalid_run: 'The run’s saved progress could not be read; the next sync starts afresh.',
  internal_error: 'An unexpected error stopped the sync.',
  network: 'The provider could not be reached.',
  timeout: 'The provider took too long to answer.',
  invalid_response: 'The provider answered with something Grantkeeper did not expect.',
  http_401: 'The provider no longer accepts the access token.',
  http_403: 'The provider refused access to this account’s reports: check the permissions of the account you connected.',
};

/** Failures of this server whose words say it all (an unreadable key): no message added. */
const SERVER_CODES = new Set(['key_unavailable']);
/** Failures of Grantkeeper's own, not the provider's: their message is ours to label. */
const OWN_CODES = new Set(['internal_error', 'invalid_run']);

/** The message under a failure's words, said by whoever said it. */
export function errorDetailWords(error: { detail: string | null; detailFrom: 'provider' | 'grantkeeper' }): string | null {
  if (!error.detail) return null;
  return `${error.detailFrom === 'grantkeeper' ? 'Grantkeeper said' : 'Provider said'}: ${error.detail}`;
}

/** What the next-sync time says once it has passed: the sweep that runs it has not come round yet. */
export const NEXT_SYNC_DUE_WORDS = 'due now, waiting for the next sweep';

/** Whether a next-run time is due (already past): it is then not said as a time in the past. */
export function nextSyncDue(nextRunAt: string, now: number): boolean {
  return Date.parse(nextRunAt) <= now;
}

/** A run's error code in words (the code's own message, when it is not one we know, is said by the caller). */
export function syncErrorWords(code: string | null, message?: string | null): string {
  if (!code) return message?.trim() || 'The sync failed.';
  const known = ERROR_WORDS[code];
  if (known) return known;
  if (/^http_5\d\d$/.test(code)) return 'The provider had a server error.';
  if (/^http_4\d\d$/.test(code)) return `The provider rejected the request (HTTP ${code.slice(5)}).`;
  if (code.startsWith('OAuthException/')) return `Meta refused the request (error ${code.slice('OAuthException/'.length)}).`;
  return message?.trim() || `The sync failed (${code}).`;
}

const TRIGGER_WORDS: Record<string, string> = { scheduled: 'Scheduled', manual: 'Sync now', backfill: 'Backfill' };
export const triggerWords = (trigger: string | null): string => (trigger ? (TRIGGER_WORDS[trigger] ?? trigger) : '—');

const STATE_WORDS: Record<string, string> = {
  queued: 'Queued',
  requesting: 'Requesting',
  waiting: 'Waiting for the report',
  downloading: 'Downloading',
  writing: 'Writing',
  succeeded: 'Succeeded',
  failed: 'Failed',
  deferred: 'Paused',
};
export const runStateWords = (state: string | null): string => (state ? (STATE_WORDS[state] ?? state) : '—');

/** "2026-11-03 – 2026-12-02", or the one day. */
export const windowWords = (w: { from: string; to: string }): string => (w.from === w.to ? w.from : `${w.from} – ${w.to}`);

export const rowsWords = (n: number): string => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

export type ConnectionSync =
  | { kind: 'none' }
  | { kind: 'disabled'; reason: string }
  | {
      kind: 'syncing';
      progress: { daysDone: number; daysTotal: number };
      accounts: number;
      /** Every running account waits (rate limit, no token for now); the code says why. */
      paused: boolean;
      pausedBy: string | null;
    }
  | {
      kind: 'idle';
      lastSuccessAt: string | null;
      nextRunAt: string | null;
      /** The latest failure among the accounts, in words; null when all went well. */
      error: { code: string | null; words: string; detail: string | null; detailFrom: 'provider' | 'grantkeeper'; reconnect: boolean } | null;
      /** Not a failure any more, but worth saying (a dead grant renewed since its run failed). */
      note: string | null;
    };

export const RESUMING_WORDS = 'The last sync stopped because the grant was no longer valid; it has been reconnected since, so syncing resumes.';

/** One line for a connection, however many ad accounts it has: their progress summed, the earliest next run, the worst error. */
export function summarizeConnectionSync(targets: SyncTargetView[]): ConnectionSync {
  if (targets.length === 0) return { kind: 'none' };
  const enabled = targets.filter((t) => t.state !== 'disabled');
  if (enabled.length === 0) return { kind: 'disabled', reason: targets.find((t) => t.skipReason)?.skipReason ?? 'No ad account here can be synced.' };
  const running = enabled.filter((t) => t.state === 'syncing' || t.state === 'deferred');
  if (running.length > 0) {
    const progress = running.reduce(
      (sum, t) => ({ daysDone: sum.daysDone + (t.progress?.daysDone ?? 0), daysTotal: sum.daysTotal + (t.progress?.daysTotal ?? 0) }),
      { daysDone: 0, daysTotal: 0 },
    );
    const paused = running.every((t) => t.state === 'deferred');
    return { kind: 'syncing', progress, accounts: running.length, paused, pausedBy: paused ? (running[0]?.lastRun?.errorCode ?? 'rate_limited') : null };
  }
  // ISO timestamps from one server sort as text.
  const sorted = (values: (string | null)[]) => values.filter((v): v is string => v !== null).sort();
  const failed = enabled.find((t) => t.state === 'reconnect') ?? enabled.find((t) => t.state === 'failed');
  const code = failed?.state === 'reconnect' ? 'reconnect' : (failed?.lastRun?.errorCode ?? null);
  const words = failed ? syncErrorWords(code, failed.lastRun?.errorMessage) : '';
  // A dead grant's provider message is already the card's "Last error"; other failures say theirs
  // here (labelled ours when Grantkeeper said it), except an unreadable key's, which the words say.
  const detailFrom = OWN_CODES.has(code ?? '') || SERVER_CODES.has(code ?? '') ? 'grantkeeper' : 'provider';
  const fromProvider = failed?.state === 'failed' && failed.lastRun?.state === 'failed' && !SERVER_CODES.has(code ?? '');
  const detail = (fromProvider && failed.lastRun?.errorMessage?.trim()) || null;
  // The server says "resuming" once the grant is renewed after the run that died with it.
  const note = !failed && enabled.some((t) => t.state === 'resuming') ? RESUMING_WORDS : null;
  return {
    kind: 'idle',
    lastSuccessAt: sorted(enabled.map((t) => t.lastSuccessAt)).at(-1) ?? null,
    nextRunAt: sorted(enabled.map((t) => t.nextRunAt))[0] ?? null,
    error: failed ? { code, words, detail: detail && detail !== words ? detail : null, detailFrom, reconnect: failed.state === 'reconnect' } : null,
    note,
  };
}

/** What the sync-health card says for one provider's last seven days. */
export function outcomeCounts(c: { succeeded: number; failed: number }): string {
  return `${c.succeeded} succeeded, ${c.failed} failed`;
}


/**
 * Runs that are news: each target's latest run, once, when it finished after `since` (the
 * server's render time of the page). Deciding by the run's own finish time rather than by "not in the
 * first poll" means a run that ends before the first poll answers (a dead grant fails in well under
 * a second) is still reported, and one that ended before the page loaded never is.
 */
export function newlyFinishedRuns(targets: SyncTargetView[], known: Set<string>, since = Number.NEGATIVE_INFINITY): SyncTargetView[] {
  const fresh: SyncTargetView[] = [];
  for (const t of targets) {
    const run = t.lastRun;
    if (!run || (run.state !== 'succeeded' && run.state !== 'failed') || known.has(run.id)) continue;
    known.add(run.id);
    const finishedAt = run.finishedAt ? Date.parse(run.finishedAt) : Number.NaN;
    if (!(finishedAt >= since)) continue;
    fresh.push(t);
  }
  return fresh;
}
