import 'server-only';
import type { Database } from '../db';
import type { Env } from '../env';
import { getFreshAccessToken } from '../refresh/fresh-token';
import { ProviderError } from '../providers/types';
import type { InsightProvider } from './types';

/**
 * Every reporting call gets its token through the token API's just-in-time path and lease
 * (design invariant 2). A 401 (Meta: error 190, sent as 400 [M4]) forces one refresh and one retry.
 */

export interface TokenAccess {
  db: Database;
  env: Env;
  userId: string;
  connectionId: string;
  origin: string;
  fetch?: typeof fetch;
}

export function isUnauthorized(err: unknown): boolean {
  return err instanceof ProviderError && (err.status === 401 || /\/190$/.test(err.code));
}

// Meta throttling codes: 4 app, 17 user, 32 pages, 613 custom, 80000–80014 business use case [M5][M14].
const META_THROTTLE = /\/(4|17|32|613|800(0\d|1[0-4]))$/;

/**
 * Seconds to defer for a rate limit, or undefined when the error is not one. Without a
 * Retry-After, LinkedIn's caps reset at midnight UTC (insights.md #8); the others wait 15 minutes.
 */
export function rateLimitDeferSec(err: unknown, provider: InsightProvider, now: Date = new Date()): number | undefined {
  if (!(err instanceof ProviderError)) return undefined;
  const limited = err.status === 429 || META_THROTTLE.test(err.code);
  if (!limited) return undefined;
  if (err.retryAfterSec !== undefined) return Math.max(1, err.retryAfterSec);
  if (provider === 'linkedin') {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    return Math.max(60, Math.ceil((midnight - now.getTime()) / 1000));
  }
  return 900;
}

/**
 * A reporting error that retrying will not fix: the provider's own permanent kind, or a client
 * error (403 no access to the account, 400 a request it refuses, 404 gone) other than the ones
 * that say "later" (401 is refreshed first, 408, 409, 425, 429) and Meta's transient codes 1 and 2 [M4].
 */
export function isPermanentReportingError(err: unknown): boolean {
  if (!(err instanceof ProviderError)) return false;
  if (err.kind === 'permanent') return true;
  const status = err.status ?? 0;
  if (status < 400 || status > 499 || [401, 408, 409, 425, 429].includes(status)) return false;
  return !/\/(1|2)$/.test(err.code);
}

/** A token holder for one run advance: fetched once, refreshed once on a 401. */
export function createTokenSession(access: TokenAccess) {
  let token: string | undefined;
  let forced = false;
  const get = async (force: boolean) => {
    const fresh = await getFreshAccessToken({
      db: access.db,
      env: access.env,
      userId: access.userId,
      connectionId: access.connectionId,
      actor: 'system',
      origin: access.origin,
      fetch: access.fetch,
      force,
      // A refresh held by someone else is waited for only briefly: the run defers rather than hold up the sweep.
      waitMs: 2_000,
    });
    token = fresh.accessToken;
    return token;
  };
  return {
    /** Runs `fn` with a token; on a 401 refreshes once (per advance) and retries once. */
    async call<T>(fn: (accessToken: string) => Promise<T>): Promise<T> {
      const current = token ?? (await get(false));
      try {
        return await fn(current);
      } catch (err) {
        if (!isUnauthorized(err) || forced) throw err;
        forced = true;
        return fn(await get(true));
      }
    },
  };
}
