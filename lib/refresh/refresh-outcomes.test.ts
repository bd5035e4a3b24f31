import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClaimedConnection, LeaseGuard } from '../db/refresh';
import type { RefreshSettings } from '../env';
import { ProviderError } from '../providers/types';
import type { RefreshContext } from './refresh-context';

/**
 * A refresh that did not produce tokens, as the row, audit log and notifications record it
 * (issue 11 §6): permanent → needs_reauth, transient → retry, the fifth in a row → error; a token
 * that cannot be refreshed is warned about once and marked at its end; a lost lease writes nothing.
 */

const m = vi.hoisted(() => ({ recordRefreshFailure: vi.fn(), rescheduleConnection: vi.fn(), audit: vi.fn(), notify: vi.fn() }));
vi.mock('../db/refresh', () => ({ recordRefreshFailure: m.recordRefreshFailure, rescheduleConnection: m.rescheduleConnection }));
vi.mock('./refresh-context', () => ({ audit: m.audit, notify: m.notify }));

const { fail, holdUntilExpiry, refreshTokenEnd, shouldWarn } = await import('./refresh-outcomes');

const DAY = 86_400;
const settings = { warningSec: 3 * DAY, leadSec: 300 } as RefreshSettings;
const tx = { tx: true };
const ctx = { db: { transaction: (fn: (t: unknown) => Promise<unknown>) => fn(tx) }, settings } as unknown as RefreshContext;
const guard: LeaseGuard = { id: 'c1', owner: 'sweep:h:1:a-b', tokenVersion: 1 };
const conn = (over: Partial<ClaimedConnection> = {}) =>
  ({ id: 'c1', provider: 'linkedin', consecutive_failures: 0, expiry_warning_for: null, refresh_token_expires_at: null, ...over }) as ClaimedConnection;
const transient = new ProviderError({ code: 'provider_http_503', kind: 'transient', status: 503, retryAfterSec: 600 });

beforeEach(() => {
  vi.clearAllMocks();
  m.recordRefreshFailure.mockResolvedValue(true);
  m.rescheduleConnection.mockResolvedValue(true);
});

describe('fail', () => {
  it('a rejected grant needs reauthorization at once, with a message saying to reconnect', async () => {
    const err = new ProviderError({ code: 'invalid_grant', description: 'token revoked', kind: 'permanent', status: 400 });
    expect(await fail(ctx, conn(), guard, err, 0)).toEqual({ kind: 'needs_reauth', errorCode: 'invalid_grant' });
    expect(m.recordRefreshFailure).toHaveBeenCalledWith(tx, guard, {
      status: 'needs_reauth',
      errorCode: 'invalid_grant',
      errorMessage: 'The provider no longer accepts this grant (invalid_grant: token revoked). Reconnect to restore it.',
      nextAttemptInSec: null,
    });
    expect(m.audit).toHaveBeenCalledWith(tx, ctx, expect.anything(), 'connection.needs_reauth', 'failure', 0, expect.objectContaining({ attempt: 1 }));
    expect(m.notify).toHaveBeenCalledWith(tx, expect.anything(), 'connection.needs_reauth', expect.objectContaining({ status: 'needs_reauth' }));
  });

  it('a transient failure stays active and retries no sooner than Retry-After, without a notification', async () => {
    expect(await fail(ctx, conn(), guard, transient, 0)).toEqual({ kind: 'retrying', errorCode: 'provider_http_503', retryInSec: 600 });
    expect(m.recordRefreshFailure).toHaveBeenCalledWith(tx, guard, expect.objectContaining({
      status: 'active',
      errorMessage: 'Refreshing failed (provider_http_503); retrying.',
      nextAttemptInSec: 600,
    }));
    expect(m.audit).toHaveBeenCalledWith(tx, ctx, expect.anything(), 'token.refresh_failed', 'failure', 0, expect.objectContaining({ httpStatus: 503 }));
    expect(m.notify).not.toHaveBeenCalled();
  });

  it('the fifth transient failure in a row makes the connection an error and notifies', async () => {
    expect(await fail(ctx, conn({ consecutive_failures: 4 }), guard, transient, 0)).toEqual({ kind: 'error', errorCode: 'provider_http_503' });
    expect(m.recordRefreshFailure).toHaveBeenCalledWith(tx, guard, expect.objectContaining({
      status: 'error',
      errorMessage: 'Refreshing failed 5 times in a row (provider_http_503). Try Refresh now or reconnect.',
      nextAttemptInSec: null,
    }));
    expect(m.notify).toHaveBeenCalledWith(tx, expect.anything(), 'connection.error', expect.objectContaining({ status: 'error' }));
  });

  it('writes nothing but a discarded-refresh audit event when the lease was lost meanwhile', async () => {
    m.recordRefreshFailure.mockResolvedValue(false);
    expect(await fail(ctx, conn(), guard, transient, 0)).toEqual({ kind: 'lost_lease' });
    expect(m.audit).toHaveBeenCalledTimes(1);
    expect(m.audit).toHaveBeenCalledWith(ctx.db, ctx, expect.anything(), 'token.refresh_discarded', 'info', 0, expect.anything());
    expect(m.notify).not.toHaveBeenCalled();
  });
});

describe('holdUntilExpiry (nothing to refresh with)', () => {
  const expiresIn = (sec: number) => new Date(Date.now() + sec * 1000);

  it('far from the end: looks again when the warning is due, warning nobody yet', async () => {
    expect(await holdUntilExpiry(ctx, conn({ expires_at: expiresIn(30 * DAY) }), guard, 0)).toEqual({ kind: 'rescheduled', warned: false });
    const { atSec, expiryWarningFor } = m.rescheduleConnection.mock.calls[0]![2] as { atSec: number; expiryWarningFor: Date | null };
    expect(atSec).toBeGreaterThanOrEqual(27 * DAY - 2);
    expect(atSec).toBeLessThanOrEqual(27 * DAY);
    expect(expiryWarningFor).toBeNull();
    expect(m.notify).not.toHaveBeenCalled();
  });

  it('within the warning window: warns once (audit and notification), then looks again at the end', async () => {
    const expires_at = expiresIn(DAY);
    expect(await holdUntilExpiry(ctx, conn({ expires_at }), guard, 0)).toEqual({ kind: 'rescheduled', warned: true });
    expect(m.rescheduleConnection).toHaveBeenCalledWith(tx, guard, { atSec: expect.any(Number), expiryWarningFor: expires_at });
    expect(m.notify).toHaveBeenCalledWith(tx, expect.anything(), 'connection.expires_soon', { reason: 'access_token_end', expiresAt: expires_at.toISOString() });

    vi.clearAllMocks();
    m.rescheduleConnection.mockResolvedValue(true);
    expect(await holdUntilExpiry(ctx, conn({ expires_at, expiry_warning_for: expires_at }), guard, 0)).toEqual({ kind: 'rescheduled', warned: false });
    expect(m.notify).not.toHaveBeenCalled();
  });

  it('at the end: the connection needs reconnecting', async () => {
    expect(await holdUntilExpiry(ctx, conn({ expires_at: expiresIn(-1) }), guard, 0)).toEqual({ kind: 'needs_reauth', errorCode: 'expired' });
    expect(m.recordRefreshFailure).toHaveBeenCalledWith(tx, guard, expect.objectContaining({
      errorMessage: expect.stringMatching(/^The provider no longer accepts this grant \(expired: the access token expired/),
    }));
  });

  it('a lost lease writes no warning', async () => {
    m.rescheduleConnection.mockResolvedValue(false);
    expect(await holdUntilExpiry(ctx, conn({ expires_at: expiresIn(DAY) }), guard, 0)).toEqual({ kind: 'lost_lease' });
    expect(m.notify).not.toHaveBeenCalled();
  });
});

describe('shouldWarn and refreshTokenEnd', () => {
  it('no deadline, no warning; the refresh token ends when the provider says, else as stored', () => {
    expect(shouldWarn(settings, conn(), null)).toBe(false);
    const stored = new Date('2027-01-01T00:00:00Z');
    expect(refreshTokenEnd(conn({ refresh_token_expires_at: stored }), undefined)).toBe(stored);
    const end = refreshTokenEnd(conn({ refresh_token_expires_at: stored }), 3600)!;
    expect(Math.abs(end.getTime() - (Date.now() + 3_600_000))).toBeLessThan(1000);
  });
});
