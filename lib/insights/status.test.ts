import { describe, expect, it } from 'vitest';
import type { RunRow, TargetStatusRow } from '@/lib/db/insights-runs';
import { describeRun, describeTarget } from './status';

const NEXT = new Date('2026-03-02T06:00:00Z');
const RUN_NEXT = new Date('2026-03-01T12:05:00Z');

const target = (over: Partial<TargetStatusRow> = {}): TargetStatusRow => ({
  target_id: 't1', connection_id: 'c1', provider: 'meta', account_id: 'act_1', account_name: 'Ads', currency: 'EUR', enabled: true, skip_reason: null,
  next_run_at: NEXT, last_success_at: null, connection_status: 'active', run_id: null, run_state: null, run_trigger: null, days_done: null,
  days_total: null, rows_written: null, error_code: null, error_message: null, run_finished_at: null, run_next_at: null, connection_refreshed_at: null,
  ...over,
});
const withRun = (state: string, over: Partial<TargetStatusRow> = {}) =>
  target({ run_id: 'r1', run_state: state, run_trigger: 'scheduled', run_next_at: RUN_NEXT, ...over });

describe('sync status of a target (dashboard, GET /api/v1/analytics/sync-status)', () => {
  it.each([
    ['a disabled target, whatever its run', withRun('requesting', { enabled: false }), 'disabled', null],
    ['a dead grant', withRun('requesting', { connection_status: 'needs_reauth' }), 'reconnect', null],
    ['a run failed for want of a new grant', withRun('failed', { error_code: 'reconnect' }), 'reconnect', null],
    ['a failed run', withRun('failed', { error_code: 'provider_error' }), 'failed', NEXT.toISOString()],
    [
      'a run that died with the grant, reconnected since',
      withRun('failed', { error_code: 'reconnect', run_finished_at: new Date('2026-03-01T10:00:00Z'), connection_refreshed_at: new Date('2026-03-01T10:05:00Z') }),
      'resuming',
      NEXT.toISOString(),
    ],
    [
      'a run that died with the grant, the connection "active" but not renewed since',
      withRun('failed', { error_code: 'reconnect', run_finished_at: new Date('2026-03-01T10:00:00Z'), connection_refreshed_at: new Date('2026-03-01T09:00:00Z') }),
      'reconnect',
      null,
    ],
    ['a run waiting out a limit', withRun('deferred'), 'deferred', RUN_NEXT.toISOString()],
    ['a run in progress', withRun('requesting'), 'syncing', RUN_NEXT.toISOString()],
    ['a succeeded run', withRun('succeeded'), 'idle', NEXT.toISOString()],
    ['no run yet', target(), 'idle', NEXT.toISOString()],
  ])('%s is %s; the next run is shown only while scheduling goes on', (_label, row, state, nextRunAt) => {
    const described = describeTarget(row);
    expect(described.state).toBe(state);
    expect(described.nextRunAt).toBe(nextRunAt);
  });

  it('a run in progress shows its progress (0 of 0 before it has counted its days); others show none', () => {
    expect(describeTarget(withRun('requesting')).progress).toEqual({ daysDone: 0, daysTotal: 0 });
    expect(describeTarget(withRun('requesting', { days_done: 3, days_total: 30 })).progress).toEqual({ daysDone: 3, daysTotal: 30 });
    expect(describeTarget(withRun('succeeded', { days_done: 30, days_total: 30 })).progress).toBeNull();
  });

  it('the latest run is described when there is one, with its finish time; none before the first run', () => {
    expect(describeTarget(target()).lastRun).toBeNull();
    const finished = new Date('2026-03-01T12:00:00Z');
    expect(describeTarget(withRun('failed', { error_code: 'provider_error', error_message: 'HTTP 500', run_finished_at: finished, rows_written: 0 })).lastRun).toEqual({
      id: 'r1', state: 'failed', trigger: 'scheduled', rowsWritten: 0, errorCode: 'provider_error', errorMessage: 'HTTP 500', finishedAt: finished.toISOString(),
    });
    expect(describeTarget(withRun('requesting')).lastRun?.finishedAt).toBeNull();
  });
});

describe('a run in the sync history', () => {
  const run = (over: Partial<RunRow> = {}): RunRow => ({
    id: 'r1', user_id: 'u', target_id: 't1', connection_id: 'c1', provider: 'meta', trigger: 'manual', state: 'succeeded', window_from: '2026-02-01',
    window_to: '2026-02-28', days_total: 28, days_done: 28, rows_written: 56, requests_made: 3, report_ids: [], progress: null, attempts: 1,
    error_code: null, error_message: null, next_run_at: RUN_NEXT, started_at: new Date('2026-03-01T12:00:10Z'), finished_at: new Date('2026-03-01T12:00:40Z'),
    created_at: new Date('2026-03-01T12:00:00Z'), ...over,
  });

  it('lasts from its start to its finish; a run that never started counts from its creation; an unfinished one has no duration', () => {
    expect(describeRun(run()).durationMs).toBe(30_000);
    expect(describeRun(run({ started_at: null })).durationMs).toBe(40_000);
    expect(describeRun(run({ started_at: null })).startedAt).toBeNull();
    expect(describeRun(run({ finished_at: null, state: 'waiting' }))).toMatchObject({ durationMs: null, finishedAt: null, state: 'waiting' });
  });
});
