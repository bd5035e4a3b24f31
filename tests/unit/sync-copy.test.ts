import { describe, expect, it } from 'vitest';
import {
  errorDetailWords,
  NEXT_SYNC_DUE_WORDS,
  newlyFinishedRuns,
  nextSyncDue,
  RESUMING_WORDS,
  progressPercent,
  progressWords,
  rowsWords,
  summarizeConnectionSync,
  syncErrorWords,
  triggerWords,
  windowWords,
} from '@/components/dashboard/sync-copy';
import type { SyncTargetView } from '@/components/dashboard/sync-queries';
import { syncPollInterval, SYNC_ACTIVE_POLL_MS } from '@/components/dashboard/sync-queries';
import { STATUS_POLL_MS } from '@/components/dashboard/queries';
import { KEY_UNAVAILABLE_WORDS, lastErrorWords } from '@/components/dashboard/connection-copy';

/** The words of the campaign sync on the dashboard and a connection's page (issue 9). */

function target(patch: Partial<SyncTargetView> = {}): SyncTargetView {
  return {
    id: 't1',
    connectionId: 'c1',
    provider: 'linkedin',
    accountId: '5001',
    accountName: 'Acme EU',
    currency: 'EUR',
    state: 'idle',
    skipReason: null,
    lastSuccessAt: null,
    nextRunAt: null,
    progress: null,
    lastRun: null,
    ...patch,
  };
}

const run = (patch: Partial<NonNullable<SyncTargetView['lastRun']>> = {}): NonNullable<SyncTargetView['lastRun']> => ({
  id: 'r1',
  state: 'succeeded',
  trigger: 'manual',
  rowsWritten: 90,
  errorCode: null,
  errorMessage: null,
  finishedAt: '2026-12-02T10:00:00.000Z',
  ...patch,
});

describe('progress', () => {
  it('says how many days of the window are done', () => {
    expect(progressWords({ daysDone: 12, daysTotal: 30 })).toBe('Syncing… 12 of 30 days');
    expect(progressWords({ daysDone: 0, daysTotal: 1 })).toBe('Syncing… 0 of 1 day');
    expect(progressPercent({ daysDone: 12, daysTotal: 30 })).toBe(40);
  });

  it('never claims more days than the window, nor a total it does not know', () => {
    expect(progressWords({ daysDone: 31, daysTotal: 30 })).toBe('Syncing… 30 of 30 days');
    expect(progressWords({ daysDone: 0, daysTotal: 0 })).toBe('Syncing…');
    expect(progressWords(null)).toBe('Syncing…');
    expect(progressPercent(null)).toBe(0);
  });
});

describe('error codes in words', () => {
  it('says a dead grant needs reconnecting', () => {
    expect(syncErrorWords('reconnect', 'invalid_grant: revoked')).toMatch(/^The grant is no longer valid.*reconnect/);
  });

  it('names the known codes without the provider’s raw text', () => {
    expect(syncErrorWords('rate_limited')).toBe('The provider’s rate limit was reached; the sync resumes by itself.');
    expect(syncErrorWords('report_timeout')).toMatch(/still not ready after about three and a half hours/);
    expect(syncErrorWords('http_403')).toMatch(/refused access to this account’s reports/);
    expect(syncErrorWords('http_503')).toBe('The provider had a server error.');
    expect(syncErrorWords('http_400')).toBe('The provider rejected the request (HTTP 400).');
    expect(syncErrorWords('OAuthException/100')).toBe('Meta refused the request (error 100).');
  });

  it('falls back to the message, then the code', () => {
    expect(syncErrorWords('something_new', 'The account is archived.')).toBe('The account is archived.');
    expect(syncErrorWords('something_new', '  ')).toBe('The sync failed (something_new).');
    expect(syncErrorWords(null, null)).toBe('The sync failed.');
  });
});

describe('run facts', () => {
  it('words triggers, windows and rows', () => {
    expect(triggerWords('manual')).toBe('Sync now');
    expect(triggerWords('scheduled')).toBe('Scheduled');
    expect(windowWords({ from: '2026-11-03', to: '2026-12-02' })).toBe('2026-11-03 – 2026-12-02');
    expect(windowWords({ from: '2026-12-02', to: '2026-12-02' })).toBe('2026-12-02');
    expect(rowsWords(1)).toBe('1 row');
    expect(rowsWords(12345)).toBe('12,345 rows');
  });
});

describe('one connection, several ad accounts', () => {
  it('sums the days of the accounts still syncing', () => {
    const sync = summarizeConnectionSync(
      [
        target({ id: 'a', state: 'syncing', progress: { daysDone: 12, daysTotal: 30 } }),
        target({ id: 'b', state: 'syncing', progress: { daysDone: 0, daysTotal: 30 } }),
        target({ id: 'c', state: 'idle', lastSuccessAt: '2026-12-01T00:00:00.000Z' }),
      ],
    );
    expect(sync).toEqual({ kind: 'syncing', progress: { daysDone: 12, daysTotal: 60 }, accounts: 2, paused: false, pausedBy: null });
  });

  it('says why every running account waits', () => {
    const waiting = target({ state: 'deferred', progress: { daysDone: 0, daysTotal: 8 }, lastRun: run({ state: 'deferred', errorCode: 'token_unavailable', finishedAt: null }) });
    expect(summarizeConnectionSync([waiting])).toMatchObject({ kind: 'syncing', paused: true, pausedBy: 'token_unavailable' });
  });

  it('takes the latest success and the earliest next run', () => {
    const sync = summarizeConnectionSync(
      [
        target({ id: 'a', lastSuccessAt: '2026-12-01T08:00:00.000Z', nextRunAt: '2026-12-03T09:00:00.000Z' }),
        target({ id: 'b', lastSuccessAt: '2026-12-02T08:00:00.000Z', nextRunAt: '2026-12-02T20:00:00.000Z' }),
      ],
    );
    expect(sync).toEqual({ kind: 'idle', lastSuccessAt: '2026-12-02T08:00:00.000Z', nextRunAt: '2026-12-02T20:00:00.000Z', error: null, note: null });
  });

  it('a dead grant wins over another failure and asks to reconnect', () => {
    const sync = summarizeConnectionSync(
      [
        target({ id: 'a', state: 'failed', lastRun: run({ state: 'failed', errorCode: 'http_503', errorMessage: 'http_503' }) }),
        target({ id: 'b', state: 'reconnect', lastRun: run({ state: 'failed', errorCode: 'reconnect', errorMessage: 'LinkedIn says the grant was revoked.' }) }),
      ],
    );
    expect(sync.kind === 'idle' && sync.error).toEqual({
      code: 'reconnect',
      words: syncErrorWords('reconnect'),
      // The card's "Last error" already quotes the provider.
      detail: null,
      detailFrom: 'provider',
      reconnect: true,
    });
  });

  it('quotes the provider for other failures', () => {
    const sync = summarizeConnectionSync([target({ state: 'failed', lastRun: run({ state: 'failed', errorCode: 'http_403', errorMessage: 'http_403: Not authorized for account 5001' }) })]);
    expect(sync.kind === 'idle' && sync.error).toEqual({
      code: 'http_403',
      words: syncErrorWords('http_403'),
      detail: 'http_403: Not authorized for account 5001',
      detailFrom: 'provider',
      reconnect: false,
    });
    expect(errorDetailWords(sync.kind === 'idle' && sync.error ? sync.error : { detail: null, detailFrom: 'provider' })).toBe(
      'Provider said: http_403: Not authorized for account 5001',
    );
  });

  it('labels the messages of Grantkeeper’s own failures (internal_error, invalid_run) as ours, not the provider’s', () => {
    for (const [code, message] of [
      ['internal_error', 'TypeError: cannot read properties of undefined'],
      ['invalid_run', 'cursor: expected a date'],
    ] as const) {
      const sync = summarizeConnectionSync([target({ state: 'failed', lastRun: run({ state: 'failed', errorCode: code, errorMessage: message }) })]);
      const error = sync.kind === 'idle' ? sync.error : null;
      expect(error).toMatchObject({ code, detail: message, detailFrom: 'grantkeeper' });
      expect(errorDetailWords(error!)).toBe(`Grantkeeper said: ${message}`);
      expect(errorDetailWords(error!)).not.toMatch(/provider/i);
    }
  });

  it('a next run time already past is due now, waiting for the next sweep, not a time in the past', () => {
    const now = Date.parse('2026-12-03T10:00:00.000Z');
    for (const state of ['idle', 'resuming'] as const) {
      const sync = summarizeConnectionSync([target({ state, nextRunAt: '2026-12-03T09:55:00.000Z' })]);
      expect(sync.kind === 'idle' && nextSyncDue(sync.nextRunAt!, now)).toBe(true);
    }
    expect(nextSyncDue('2026-12-03T10:00:00.000Z', now)).toBe(true);
    expect(nextSyncDue('2026-12-03T10:05:00.000Z', now)).toBe(false);
    expect(NEXT_SYNC_DUE_WORDS).toBe('due now, waiting for the next sweep');
  });

  it('says syncing resumes, without a Reconnect or an error, when the server says the grant was renewed since', () => {
    const resuming = [target({ state: 'resuming', nextRunAt: '2026-12-02T11:00:00.000Z', lastRun: run({ state: 'failed', errorCode: 'reconnect' }) })];
    expect(summarizeConnectionSync(resuming)).toEqual({
      kind: 'idle',
      lastSuccessAt: null,
      nextRunAt: '2026-12-02T11:00:00.000Z',
      error: null,
      note: RESUMING_WORDS,
    });
  });

  it('asks to reconnect while the server says so, whatever the card last read', () => {
    const dead = [target({ state: 'reconnect', lastRun: run({ state: 'failed', errorCode: 'reconnect', finishedAt: '2026-12-02T10:00:00.000Z' }) })];
    const sync = summarizeConnectionSync(dead);
    expect(sync.kind === 'idle' && sync.error?.reconnect).toBe(true);
    expect(sync.kind === 'idle' && sync.error?.words).toBe(syncErrorWords('reconnect'));
  });

  it('an unreadable encryption key is the operator’s problem: its own words, no Reconnect, no "Provider said"', () => {
    const message = 'This server cannot decrypt the connection’s stored tokens with its configured encryption keys.';
    const sync = summarizeConnectionSync([target({ state: 'failed', lastRun: run({ state: 'failed', errorCode: 'key_unavailable', errorMessage: message }) })]);
    expect(sync.kind === 'idle' && sync.error).toEqual({ code: 'key_unavailable', words: syncErrorWords('key_unavailable'), detail: null, detailFrom: 'grantkeeper', reconnect: false });
    expect(syncErrorWords('key_unavailable')).toMatch(/encryption key/);
    expect(syncErrorWords('key_unavailable')).not.toMatch(/reconnect/i);
  });

  it('the card’s last error for an unreadable key says the operator must restore it, not that reconnecting works (whatever message the row holds)', () => {
    const stored = 'Grantkeeper cannot decrypt this connection’s tokens with its configured encryption keys. Restore the key. Reconnecting also works.';
    const words = lastErrorWords({ code: 'key_unavailable', message: stored });
    expect(words).toBe(KEY_UNAVAILABLE_WORDS);
    expect(words).toMatch(/must restore the key/);
    expect(words).not.toMatch(/reconnect/i);
    // Other errors keep their stored message, or their code.
    expect(lastErrorWords({ code: 'invalid_grant', message: 'The grant was revoked.' })).toBe('The grant was revoked.');
    expect(lastErrorWords({ code: 'network', message: null })).toBe('network');
  });

  it('says when nothing can be synced, or nothing is known yet', () => {
    expect(summarizeConnectionSync([])).toEqual({ kind: 'none' });
    expect(summarizeConnectionSync([target({ state: 'disabled', skipReason: 'Amazon DSP (agency) profiles have no sponsored ads reports.' })])).toEqual({
      kind: 'disabled',
      reason: 'Amazon DSP (agency) profiles have no sponsored ads reports.',
    });
  });
});

describe('toasts and polling', () => {
  it('reports each finished run once, and not an unfinished one', () => {
    const known = new Set<string>();
    const done = target({ lastRun: run({ id: 'r1' }) });
    const going = target({ id: 't2', state: 'syncing', lastRun: run({ id: 'r2', state: 'requesting', finishedAt: null }) });
    expect(newlyFinishedRuns([done, going], known).map((t) => t.lastRun!.id)).toEqual(['r1']);
    expect(newlyFinishedRuns([done, going], known)).toEqual([]);
    const failed = target({ id: 't2', state: 'failed', lastRun: run({ id: 'r2', state: 'failed', errorCode: 'reconnect' }) });
    expect(newlyFinishedRuns([done, failed], known).map((t) => t.lastRun!.id)).toEqual(['r2']);
  });

  it('a run that ended before the page loaded is not news, one that ended after is — even in the first poll', () => {
    const loadedAt = Date.parse('2026-12-03T10:00:00Z');
    const known = new Set<string>();
    const before = target({ lastRun: run({ id: 'old', finishedAt: '2026-12-03T09:58:00Z' }) });
    // Failed fast, before the page's first poll answered: still the news the person waits for.
    const after = target({ id: 't2', state: 'failed', lastRun: run({ id: 'new', state: 'failed', errorCode: 'reconnect', finishedAt: '2026-12-03T10:00:01Z' }) });
    expect(newlyFinishedRuns([before, after], known, loadedAt).map((t) => t.lastRun!.id)).toEqual(['new']);
    // Seen once, never again (a remount shares the same set).
    expect(newlyFinishedRuns([before, after], known, loadedAt)).toEqual([]);
  });

  it('polls every 2 s while a run goes, every 30 s otherwise', () => {
    expect(syncPollInterval({ targets: [target({ state: 'syncing' })], last7Days: [], targetCount: 1 })).toBe(SYNC_ACTIVE_POLL_MS);
    expect(syncPollInterval({ targets: [target()], last7Days: [], targetCount: 1 })).toBe(STATUS_POLL_MS);
    expect(syncPollInterval(undefined)).toBe(STATUS_POLL_MS);
  });
});
