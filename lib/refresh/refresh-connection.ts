import 'server-only';
import type { Sql } from '../db';
import { completeRefresh, type ClaimedConnection, type LeaseGuard } from '../db/refresh';
import { refreshAccessToken } from '../oauth/token-endpoint';
import { ProviderError, type ProviderSlug, type Region, type ResolvedProvider } from '../providers/types';
import { recordRefresh } from '../metrics/record';
import { trackRefresh } from '../shutdown';
import { decryptToken, encryptToken, isUnreadableToken } from '../tokens/keys';
import { parkUnreadable } from './key-unavailable';
import { holdLease, type HeldLease } from './lease';
import { applyKeptResultFor, storeRefreshResult } from './pending-result';
import { audit, notify, type RefreshContext, type RefreshOutcome } from './refresh-context';
import { fail, holdUntilExpiry, lostLease, refreshTokenEnd, shouldWarn } from './refresh-outcomes';
import { nextCheckInSec } from './schedule';

export type { RefreshContext, RefreshOutcome } from './refresh-context';

/**
 * Refreshes one claimed connection and writes the result while holding its lease: new tokens,
 * or the failure with its retry schedule, each with its audit event and notification in the same
 * transaction. Never throws for provider failures; one connection's trouble stays its own.
 * A graceful stop waits for it, write retries included (lib/shutdown.ts).
 */
export async function refreshClaimedConnection(ctx: RefreshContext, c: ClaimedConnection): Promise<RefreshOutcome> {
  const started = performance.now();
  try {
    const outcome = await trackRefresh(c.id, () => refreshOnce(ctx, c));
    recordRefresh(c.provider, outcome.kind, (performance.now() - started) / 1000);
    return outcome;
  } catch (err) {
    recordRefresh(c.provider, 'crashed', (performance.now() - started) / 1000);
    throw err;
  }
}

async function refreshOnce(ctx: RefreshContext, c: ClaimedConnection): Promise<RefreshOutcome> {
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
  const canRefresh =
    definition.refresh === 'refresh_token'
      ? Boolean(c.refresh_token_enc)
      : definition.refresh === 'long_lived_exchange' && Boolean(c.access_token_enc) && c.expires_at.getTime() > Date.now();
  if (!canRefresh) return holdUntilExpiry(ctx, c, guard, started);

  // Right before the provider call, the lease must still be ours: a row claimed in a batch may
  // have waited in the queue past its lease, and someone else may be refreshing it now.
  const held = await holdLease(ctx.db, guard, ctx.settings.leaseSec);
  if (!held) return { kind: 'skipped' };
  try {
    let secrets: { refreshToken?: string; accessToken?: string };
    try {
      const kept = await applyKeptResultFor(ctx, c, guard, held.pendingResult, started);
      if (kept) return kept;
      secrets = {
        refreshToken: c.refresh_token_enc ? decryptToken(c.refresh_token_enc) : undefined,
        accessToken: c.access_token_enc ? decryptToken(c.access_token_enc) : undefined,
      };
    } catch (err) {
      if (!isUnreadableToken(err)) throw err;
      return parkUnreadable(ctx, c, guard, started);
    }
    return await callProvider(ctx, c, guard, provider, secrets, held.lease, started);
  } finally {
    held.lease.stop();
  }
}

async function callProvider(
  ctx: RefreshContext,
  c: ClaimedConnection,
  guard: LeaseGuard,
  provider: ResolvedProvider,
  secrets: { refreshToken?: string; accessToken?: string },
  lease: HeldLease,
  started: number,
): Promise<RefreshOutcome> {
  const { definition } = provider;
  let tokens;
  try {
    tokens = await refreshAccessToken(provider, {
      refreshToken: secrets.refreshToken,
      accessToken: secrets.accessToken,
      region: typeof c.metadata.region === 'string' ? (c.metadata.region as Region) : undefined,
      timeoutMs: ctx.providerTimeoutMs ?? ctx.settings.providerTimeoutMs,
    });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return fail(ctx, c, guard, err, started);
  }

  const lifetime = tokens.expiresIn ?? definition.defaults.accessTokenTtlSec;
  const recovered = c.consecutive_failures > 0 || c.status === 'error';
  const rotated = tokens.refreshToken !== undefined && tokens.refreshToken !== secrets.refreshToken;
  // The deadline a person must act before: the refresh token's hard end (LinkedIn), or for
  // providers without refresh tokens (Meta) the end of the token just obtained.
  const deadline =
    definition.refresh === 'long_lived_exchange'
      ? new Date(Date.now() + lifetime * 1000)
      : refreshTokenEnd(c, tokens.refreshTokenExpiresIn);
  const warnDeadline = shouldWarn(ctx.settings, c, deadline);
  const nextIn = nextCheckInSec(definition, ctx.settings, lifetime, true);
  const write = async (tx: Sql, attempt: number) => {
    const ok = await completeRefresh(tx, guard, {
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: tokens.refreshToken ? encryptToken(tokens.refreshToken) : null,
      expiresInSec: lifetime,
      refreshTokenExpiresInSec: tokens.refreshTokenExpiresIn ?? null,
      scopes: tokens.scopes ?? null,
      nextCheckInSec: nextIn,
      expiryWarningFor: warnDeadline ? deadline : null,
    });
    if (!ok) return false;
    await audit(tx, ctx, c, 'token.refreshed', 'success', started, {
      rotated,
      expiresInSec: lifetime,
      recovered,
      ...(attempt > 1 ? { writeAttempts: attempt } : {}),
    });
    if (recovered) await notify(tx, c, 'connection.recovered', { status: 'active' });
    if (warnDeadline && deadline) {
      const reason = definition.refresh === 'long_lived_exchange' ? 'access_token_end' : 'refresh_token_end';
      await audit(tx, ctx, c, 'connection.expires_soon', 'info', started, { reason, expiresAt: deadline.toISOString() });
      await notify(tx, c, 'connection.expires_soon', { reason, expiresAt: deadline.toISOString() });
    }
    return true;
  };
  const at = (sec: number) => new Date(Date.now() + sec * 1000).toISOString();
  const stored = await storeRefreshResult(ctx, c, lease, write, {
    v: 1,
    connectionId: c.id,
    userId: c.user_id,
    provider: c.provider,
    tokenVersion: c.token_version,
    owner: ctx.owner,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? null,
    expiresAt: at(lifetime),
    refreshTokenExpiresAt: tokens.refreshTokenExpiresIn !== undefined ? at(tokens.refreshTokenExpiresIn) : null,
    scopes: tokens.scopes ?? null,
    nextAttemptAt: at(nextIn),
    rotated,
  }, started);
  if (stored === 'lost') return lostLease(ctx, c, started);
  if (stored === 'deferred') return { kind: 'deferred' };
  return { kind: 'refreshed', recovered };
}
