import 'server-only';
import type { RefreshSettings } from '../env';
import type { ProviderDefinition } from '../providers/types';

/** Transient failures retry at most this many times in a row, then the connection is `error`. */
export const MAX_ATTEMPTS = 5;

/**
 * Refresh leases and provider-call timeouts are settings (REFRESH_LEASE_SECONDS,
 * PROVIDER_TIMEOUT_SECONDS; lib/env.ts refuses a lease a call can outlive). This one bounds
 * provider discovery (OIDC), which runs outside any lease.
 */
export const PROVIDER_TIMEOUT_MS = 15_000;

/**
 * How long before expiry to refresh: the global lead (5 minutes by default) or the provider's own,
 * never more than half the token's lifetime (a 2-minute demo token refreshes after 1 minute).
 */
export function refreshLeadSec(def: ProviderDefinition, settings: Pick<RefreshSettings, 'leadSec'>, lifetimeSec: number): number {
  return Math.max(1, Math.min(def.defaults.refreshLeadSec ?? settings.leadSec, Math.floor(lifetimeSec / 2)));
}

/** Seconds from now until the sweep should look at a token with this lifetime again. */
export function nextCheckInSec(def: ProviderDefinition, settings: RefreshSettings, lifetimeSec: number, canRefresh: boolean): number {
  if (canRefresh) return Math.max(0, lifetimeSec - refreshLeadSec(def, settings, lifetimeSec));
  // Nothing to refresh: look again when a warning is due, else at expiry to mark it.
  const warnAt = lifetimeSec - settings.warningSec;
  return Math.max(0, warnAt > 0 ? warnAt : lifetimeSec);
}

/**
 * Exponential backoff with jitter for the n-th consecutive failure (1-based): 30 s, 1 min, 2 min,
 * 4 min… capped at 30 min, each drawn from [half, full] so many failing connections spread out,
 * and never sooner than the provider's Retry-After.
 */
export function backoffSec(attempt: number, retryAfterSec?: number, random = Math.random): number {
  const base = Math.min(30 * 2 ** (attempt - 1), 30 * 60);
  const jittered = Math.round(base / 2 + (random() * base) / 2);
  return Math.max(jittered, Math.ceil(retryAfterSec ?? 0));
}
