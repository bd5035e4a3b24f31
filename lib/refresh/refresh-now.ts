import 'server-only';
import type { Database } from '../db';
import type { Env } from '../env';
import { getFreshAccessToken, TokenUnavailable } from './fresh-token';

export type RefreshNowResult =
  | { ok: true; kind: 'refreshed' | 'already_fresh'; expiresAt: string; message: string }
  | { ok: false; kind: 'needs_reauth' | 'revoked' | 'retrying' | 'error' | 'provider_unavailable' | 'key_unavailable'; message: string }
  | { ok: false; kind: 'not_found'; message: string };

/**
 * "Refresh now": forces a refresh through the lease (waiting for one already in flight), and says
 * what happened in words. The token itself never leaves the server here.
 */
export async function refreshNow(input: {
  db: Database;
  env: Env;
  userId: string;
  connectionId: string;
  origin: string;
  requestId?: string | null;
  fetch?: typeof fetch;
}): Promise<RefreshNowResult> {
  try {
    const token = await getFreshAccessToken({ ...input, actor: 'user', force: true, waitMs: 20_000 });
    const expiresAt = token.expiresAt.toISOString();
    const outcome = token.outcome;
    if (!outcome || outcome.kind === 'refreshed') {
      // No outcome: another refresher finished while we waited; its result is what we report.
      return { ok: true, kind: outcome ? 'refreshed' : 'already_fresh', expiresAt, message: 'Token refreshed.' };
    }
    if (outcome.kind === 'retrying' || outcome.kind === 'error') {
      return {
        ok: false,
        kind: outcome.kind,
        message: `The provider did not refresh the token (${outcome.errorCode}); the current token stays valid until it expires.`,
      };
    }
    if (outcome.kind === 'deferred') {
      return {
        ok: false,
        kind: 'retrying',
        message: 'The provider issued new tokens but the database could not store them yet; they are kept and applied shortly.',
      };
    }
    return { ok: true, kind: 'already_fresh', expiresAt, message: 'The token is valid.' };
  } catch (err) {
    if (!(err instanceof TokenUnavailable)) throw err;
    return { ok: false, kind: err.code, message: err.message };
  }
}
