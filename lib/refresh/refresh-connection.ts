import 'server-only';
import type { Database, Sql } from '../db';
import { recordAuditEvent } from '../db/audit';
import { enqueueNotification } from '../db/notifications';
import {
  completeRefresh,
  recordRefreshFailure,
  rescheduleConnection,
  type ClaimedConnection,
  type LeaseGuard,
} from '../db/refresh';
import type { RefreshSettings } from '../env';
import type { NotificationType } from '../notifications/types';
import { refreshAccessToken } from '../oauth/token-endpoint';
import { ProviderError, type ProviderSlug, type Region, type ResolvedProvider } from '../providers/types';
import { decryptToken, encryptToken } from '../tokens/keys';
import { backoffSec, MAX_ATTEMPTS, nextCheckInSec, PROVIDER_TIMEOUT_MS } from './schedule';

export interface RefreshContext {
  db: Database;
  settings: RefreshSettings;
  /** The lease owner this refresher claimed with. */
  owner: string;
  resolveProvider(slug: ProviderSlug): Promise<ResolvedProvider | null>;
  /** 'system' for the sweep, 'user' for Refresh now, 'api_key:<prefix>' for the token API. */
  actor: string;
  requestId?: string | null;
  /** Per provider call; tests shorten it. */
  providerTimeoutMs?: number;
}

export type RefreshOutcome =
  | { kind: 'refreshed'; recovered: boolean }
  | { kind: 'retrying'; errorCode: string; retryInSec: number }
  | { kind: 'error'; errorCode: string }
  | { kind: 'needs_reauth'; errorCode: string }
  | { kind: 'rescheduled'; warned: boolean }
  | { kind: 'lost_lease' };

/**
 * Refreshes one claimed connection and writes the result while holding its lease: new tokens,
 * or the failure with its retry schedule, each with its audit event and notification in the same
 * transaction. Never throws for provider failures; one connection's trouble stays its own.
 */
export async function refreshClaimedConnection(ctx: RefreshContext, c: ClaimedConnection): Promise<RefreshOutcome> {
  const started = Date.now();
  const guard: LeaseGuard = { id: c.id, owner: ctx.owner, tokenVersion: c.token_version };
  const provider = await ctx.resolveProvider(c.provider as ProviderSlug).catch((err: unknown) => {
    if (err instanceof ProviderError) return err;
    throw err;
  });
  if (!provider || provider instanceof ProviderError) {
    const failure = provider ?? new ProviderError({ code: 'provider_not_configured', kind: 'transient' });
    return fail(ctx, c, guard, failure, started);
  }
  const { definition } = provider;
  const now = Date.now();
  const canRefresh =
    definition.refresh === 'refresh_token'
      ? Boolean(c.refresh_token_enc)
      : definition.refresh === 'long_lived_exchange' && Boolean(c.access_token_enc) && c.expires_at.getTime() > now;
  if (!canRefresh) return holdUntilExpiry(ctx, c, guard, started);

  const storedRefreshToken = c.refresh_token_enc ? decryptToken(c.refresh_token_enc) : undefined;
  let tokens;
  try {
    tokens = await refreshAccessToken(provider, {
      refreshToken: storedRefreshToken,
      accessToken: c.access_token_enc ? decryptToken(c.access_token_enc) : undefined,
      region: typeof c.metadata.region === 'string' ? (c.metadata.region as Region) : undefined,
      timeoutMs: ctx.providerTimeoutMs ?? PROVIDER_TIMEOUT_MS,
    });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return fail(ctx, c, guard, err, started);
  }

  const lifetime = tokens.expiresIn ?? definition.defaults.accessTokenTtlSec;
  const recovered = c.consecutive_failures > 0 || c.status === 'error';
  // The deadline a person must act before: the refresh token's hard end (LinkedIn), or for
  // providers without refresh tokens (Meta) the end of the token just obtained.
  const deadline =
    definition.refresh === 'long_lived_exchange'
      ? new Date(Date.now() + lifetime * 1000)
      : refreshTokenEnd(c, tokens.refreshTokenExpiresIn);
  const warnDeadline = shouldWarn(ctx.settings, c, deadline);
  const written = await ctx.db.transaction(async (tx) => {
    const ok = await completeRefresh(tx, guard, {
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: tokens.refreshToken ? encryptToken(tokens.refreshToken) : null,
      expiresInSec: lifetime,
      refreshTokenExpiresInSec: tokens.refreshTokenExpiresIn ?? null,
      scopes: tokens.scopes ?? null,
      nextCheckInSec: nextCheckInSec(definition, ctx.settings, lifetime, true),
      expiryWarningFor: warnDeadline ? deadline : null,
    });
    if (!ok) return false;
    await audit(tx, ctx, c, 'token.refreshed', 'success', started, {
      rotated: tokens.refreshToken !== undefined && tokens.refreshToken !== storedRefreshToken,
      expiresInSec: lifetime,
      recovered,
    });
    if (recovered) await notify(tx, c, 'connection.recovered', { status: 'active' });
    if (warnDeadline && deadline) {
      const reason = definition.refresh === 'long_lived_exchange' ? 'access_token_end' : 'refresh_token_end';
      await audit(tx, ctx, c, 'connection.expires_soon', 'info', started, { reason, expiresAt: deadline.toISOString() });
      await notify(tx, c, 'connection.expires_soon', { reason, expiresAt: deadline.toISOString() });
    }
    return true;
  });
  if (!written) return lostLease(ctx, c, started);
  return { kind: 'refreshed', recovered };
}

/** Permanent → needs_reauth at once; transient → backoff, and `error` after the last attempt. */
async function fail(
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
async function holdUntilExpiry(
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
function shouldWarn(settings: RefreshSettings, c: ClaimedConnection, deadline: Date | null): boolean {
  if (!deadline) return false;
  const within = deadline.getTime() - Date.now() <= settings.warningSec * 1000;
  return within && c.expiry_warning_for?.getTime() !== deadline.getTime();
}

function refreshTokenEnd(c: ClaimedConnection, expiresInSec: number | undefined): Date | null {
  return expiresInSec !== undefined ? new Date(Date.now() + expiresInSec * 1000) : c.refresh_token_expires_at;
}

function describeFailure(err: ProviderError, permanent: boolean, exhausted: boolean): string {
  const what = err.description ? `${err.code}: ${err.description}` : err.code;
  if (permanent) return `The provider no longer accepts this grant (${what}). Reconnect to restore it.`;
  if (exhausted) return `Refreshing failed ${MAX_ATTEMPTS} times in a row (${what}). Try Refresh now or reconnect.`;
  return `Refreshing failed (${what}); retrying.`;
}

async function lostLease(ctx: RefreshContext, c: ClaimedConnection, started: number): Promise<RefreshOutcome> {
  await audit(ctx.db, ctx, c, 'token.refresh_discarded', 'info', started, {
    reason: 'lease or token version changed while refreshing (reconnected meanwhile)',
  });
  return { kind: 'lost_lease' };
}

function audit(
  sql: Sql,
  ctx: RefreshContext,
  c: ClaimedConnection,
  action: string,
  outcome: 'success' | 'failure' | 'info',
  started: number,
  detail: Record<string, unknown>,
) {
  return recordAuditEvent(sql, {
    userId: c.user_id,
    connectionId: c.id,
    actor: ctx.actor,
    action,
    outcome,
    detail: { provider: c.provider, ...detail },
    requestId: ctx.requestId,
    durationMs: Date.now() - started,
  });
}

function notify(sql: Sql, c: ClaimedConnection, type: NotificationType, data: Record<string, unknown>) {
  return enqueueNotification(sql, {
    userId: c.user_id,
    connectionId: c.id,
    type,
    data: { connectionId: c.id, provider: c.provider, account: c.display_name, ...data },
  });
}
