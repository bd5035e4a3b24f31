import 'server-only';
import type { Database } from '../db';
import { claimConnection, readTokenRowAsUser, type TokenRow } from '../db/refresh';
import type { Env } from '../env';
import { decryptToken, isUnreadableToken } from '../tokens/keys';
import { KEY_UNAVAILABLE_MESSAGE } from './key-unavailable';
import { leaseOwner } from './lease';
import { createProviderResolver } from './provider-resolver';
import { refreshClaimedConnection, type RefreshOutcome } from './refresh-connection';

export type TokenUnavailableCode = 'not_found' | 'needs_reauth' | 'revoked' | 'provider_unavailable' | 'key_unavailable';

/** Why no token can be handed out; mapped to 404 / 409 / 409 / 503 / 503 by the route. */
export class TokenUnavailable extends Error {
  constructor(
    readonly code: TokenUnavailableCode,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'TokenUnavailable';
  }
}

export interface FreshToken {
  accessToken: string;
  tokenType: 'bearer';
  expiresAt: Date;
}

export interface FreshTokenInput {
  db: Database;
  env: Env;
  userId: string;
  connectionId: string;
  /** 'api_key:<prefix>' or 'user' */
  actor: string;
  origin: string;
  requestId?: string | null;
  fetch?: typeof fetch;
  /** How long to wait for another refresher's result (invariant 2). */
  waitMs?: number;
  /** Refresh even if the token is fresh (Refresh now). */
  force?: boolean;
  /** The first read, already started (prefetchTokenRow) alongside other work; later reads are fresh. */
  firstRead?: Promise<TokenRow | undefined>;
}

/** Starts the read getFreshAccessToken begins with, to pass in as `firstRead`. */
export function prefetchTokenRow(db: Database, params: { userId: string; connectionId: string }): Promise<TokenRow | undefined> {
  return readTokenRowAsUser(db, { userId: params.userId, id: params.connectionId });
}

/** Tokens this close to expiry are never handed out without trying to refresh first. */
const MIN_VALIDITY_MS = 10_000;
const POLL_MS = 50;

/**
 * A valid access token for a connection, refreshed just in time through the same lease as the
 * sweep. A caller that finds the lease held waits for the holder's result instead of refreshing
 * again; while refreshing fails transiently, a still-valid token keeps being served (invariant 4).
 */
export async function getFreshAccessToken(input: FreshTokenInput): Promise<FreshToken & { outcome?: RefreshOutcome }> {
  const deadline = Date.now() + (input.waitMs ?? 10_000);
  // Under RLS as the key's user, like all user-scoped work: the statement filters by user too, and
  // the policy is the second wall. One statement that sets the claims and reads (one round trip,
  // where asUser's BEGIN, set_config, select, COMMIT took four: issue 12).
  const read = () => readTokenRowAsUser(input.db, { userId: input.userId, id: input.connectionId });
  let outcome: RefreshOutcome | undefined;
  let force = input.force ?? false;

  for (let row = await (input.firstRead ?? read()); ; row = await read()) {
    if (!row) throw new TokenUnavailable('not_found', 'No such connection.');
    if (row.status === 'revoked') throw new TokenUnavailable('revoked', 'This connection was disconnected.');
    if (row.status === 'needs_reauth') {
      throw new TokenUnavailable('needs_reauth', 'The provider no longer accepts this grant: reconnect it in Grantkeeper.');
    }
    if (row.status === 'error' && row.last_error_code === 'key_unavailable') throw keyUnavailable();
    const now = Date.now();
    const usable = row.access_token_enc && row.expires_at.getTime() - now > MIN_VALIDITY_MS;
    const due = row.status === 'active' && row.next_attempt_at !== null && row.next_attempt_at.getTime() <= now;
    if (usable && !due && !force) return { ...serve(row), outcome };
    // Refresh when forced or due; not after our own attempt, nor while backing off or given up.
    const mayRefresh = !outcome && (force || due);
    if (!mayRefresh) {
      // Serve what is still valid (invariant 4), or say when to come back.
      if (usable) return { ...serve(row), outcome };
      const retryAfterSec = row.next_attempt_at ? secondsUntil(row.next_attempt_at) : undefined;
      throw new TokenUnavailable('provider_unavailable', 'The provider is not issuing tokens right now; try again later.', retryAfterSec);
    }

    if (!row.lease_until) {
      const owner = leaseOwner('jit');
      const claimed = await input.db.transaction((tx) =>
        claimConnection(tx, { owner, userId: input.userId, id: input.connectionId, leaseSec: input.env.refresh.leaseSec }),
      );
      if (claimed) {
        outcome = await refreshClaimedConnection(
          {
            db: input.db,
            settings: input.env.refresh,
            owner,
            actor: input.actor,
            requestId: input.requestId,
            dataDir: input.env.dataDir,
            resolveProvider: createProviderResolver(input.env, { origin: input.origin, fetch: input.fetch }),
          },
          claimed,
        );
        force = false;
        continue;
      }
    }
    // Someone else holds the lease: wait for their result, then decide again (never reuse what we read).
    const waited = await waitForLease(read, row, deadline);
    if (!waited.finished) {
      if (usable) return { ...serve(row), outcome };
      // Come back when the holder's lease ends (a crashed holder's lease simply lapses then).
      const leaseUntil = waited.last?.lease_until ?? row.lease_until;
      throw new TokenUnavailable('provider_unavailable', 'A refresh is taking too long; try again shortly.', leaseUntil ? secondsUntil(leaseUntil) : 1);
    }
    force = false;
  }
}

function serve(row: TokenRow): FreshToken {
  try {
    return { accessToken: decryptToken(row.access_token_enc!), tokenType: 'bearer', expiresAt: row.expires_at };
  } catch (err) {
    if (isUnreadableToken(err)) throw keyUnavailable();
    throw err;
  }
}

function keyUnavailable(): TokenUnavailable {
  return new TokenUnavailable('key_unavailable', KEY_UNAVAILABLE_MESSAGE);
}

/** Whole seconds from now until `at`, at least 1: what Retry-After says. */
function secondsUntil(at: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));
}

/** Polls until the lease is released or the token changes; finished is false on timeout. */
async function waitForLease(
  read: () => Promise<TokenRow | undefined>,
  seen: TokenRow,
  deadline: number,
): Promise<{ finished: boolean; last?: TokenRow }> {
  let last: TokenRow | undefined;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    last = await read();
    if (!last || !last.lease_until || last.token_version !== seen.token_version || last.status !== seen.status) return { finished: true };
  }
  return { finished: false, last };
}
