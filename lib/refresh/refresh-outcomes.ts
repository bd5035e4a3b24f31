import 'server-only';
import { recordRefreshFailure, rescheduleConnection, type ClaimedConnection, type LeaseGuard } from '../db/refresh';
import type { RefreshSettings } from '../env';
import { ProviderError } from '../providers/types';
import { audit, notify, type RefreshContext, type RefreshOutcome } from './refresh-context';
import { backoffSec, MAX_ATTEMPTS } from './schedule';

/** The refresher's outcomes other than new tokens: failures, waiting for expiry, a lost lease. */

/** Permanent → needs_reauth at once; transient → backoff, and `error` after the last attempt. */
export async function fail(
  ctx: RefreshContext,
  c: ClaimedConnection,
  guard: LeaseGuard,
  err: ProviderError,
  started: number,
): Promise<RefreshOutcome> {
  const attempt = c.consecutive_failures + 1;
  const permanent = err.kind === 'permanent';
  const exhausted = !permanent && attempt >= MAX_ATTEMPTS;
  const retryInSec = permanent || exhausted ? null : backoffSec(attempt, err.retryAfterSec);
  const status = permanent ? 'needs_reauth' : exhausted ? 'error' : 'active';
  const message = describeFailure(err, permanent, exhausted);
  const written = await ctx.db.transaction(async (tx) => {
    const ok = await recordRefreshFailure(tx, guard, {
      status,
      errorCode: err.code,
      errorMessage: message,
      nextAttemptInSec: retryInSec,
    });
    if (!ok) return false;
    await audit(tx, ctx, c, permanent ? 'connection.needs_reauth' : 'token.refresh_failed', 'failure', started, {
      errorCode: err.code,
      httpStatus: err.status,
      attempt,
      retryInSec,
      status,
    });
    if (status !== 'active') {
      await notify(tx, c, status === 'needs_reauth' ? 'connection.needs_reauth' : 'connection.error', {
        status,
        errorCode: err.code,
        message,
      });
    }
    return true;
  });
  if (!written) return lostLease(ctx, c, started);
  if (permanent) return { kind: 'needs_reauth', errorCode: err.code };
  if (exhausted) return { kind: 'error', errorCode: err.code };
  return { kind: 'retrying', errorCode: err.code, retryInSec: retryInSec ?? 0 };
}

/**
 * No way to refresh (Meta past its re-exchange, LinkedIn apps without refresh tokens): warn once
 * before the end, and at the end mark the connection for reconnecting.
 */
export async function holdUntilExpiry(
  ctx: RefreshContext,
  c: ClaimedConnection,
  guard: LeaseGuard,
  started: number,
): Promise<RefreshOutcome> {
  const leftSec = Math.floor((c.expires_at.getTime() - Date.now()) / 1000);
  if (leftSec <= 0) {
    const expired = new ProviderError({
      code: 'expired',
      description: 'the access token expired and the provider offers no refresh',
      kind: 'permanent',
    });
    return fail(ctx, c, guard, expired, started);
  }
  const warn = shouldWarn(ctx.settings, c, c.expires_at);
  const written = await ctx.db.transaction(async (tx) => {
    const ok = await rescheduleConnection(tx, guard, {
      atSec: warn || leftSec <= ctx.settings.warningSec ? leftSec : leftSec - ctx.settings.warningSec,
      expiryWarningFor: warn ? c.expires_at : null,
    });
    if (ok && warn) {
      await audit(tx, ctx, c, 'connection.expires_soon', 'info', started, {
        reason: 'access_token_end',
        expiresAt: c.expires_at.toISOString(),
      });
      await notify(tx, c, 'connection.expires_soon', { reason: 'access_token_end', expiresAt: c.expires_at.toISOString() });
    }
    return ok;
  });
  if (!written) return lostLease(ctx, c, started);
  return { kind: 'rescheduled', warned: warn };
}

/** Warn once per deadline, when it is within the warning window. */
export function shouldWarn(settings: RefreshSettings, c: ClaimedConnection, deadline: Date | null): boolean {
  if (!deadline) return false;
  const within = deadline.getTime() - Date.now() <= settings.warningSec * 1000;
  return within && c.expiry_warning_for?.getTime() !== deadline.getTime();
}

export function refreshTokenEnd(c: ClaimedConnection, expiresInSec: number | undefined): Date | null {
  return expiresInSec !== undefined ? new Date(Date.now() + expiresInSec * 1000) : c.refresh_token_expires_at;
}

function describeFailure(err: ProviderError, permanent: boolean, exhausted: boolean): string {
  const what = err.description ? `${err.code}: ${err.description}` : err.code;
  if (permanent) return `The provider no longer accepts this grant (${what}). Reconnect to restore it.`;
  if (exhausted) return `Refreshing failed ${MAX_ATTEMPTS} times in a row (${what}). Try Refresh now or reconnect.`;
  return `Refreshing failed (${what}); retrying.`;
}

export async function lostLease(ctx: RefreshContext, c: ClaimedConnection, started: number): Promise<RefreshOutcome> {
  await audit(ctx.db, ctx, c, 'token.refresh_discarded', 'info', started, {
    reason: 'lease or token version changed while refreshing (reconnected meanwhile)',
  });
  return { kind: 'lost_lease' };
}
