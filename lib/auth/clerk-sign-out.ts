import 'server-only';
import { auth } from '@clerk/nextjs/server';
import type { Logger } from 'pino';
import { getLogger } from '../log';

/** What sign-out needs of the Clerk configuration (Env['auth'] in Clerk mode). */
export interface ClerkBackend {
  secretKey: string;
  /** Clerk's Backend API origin, no trailing slash (CLERK_API_URL). */
  apiUrl: string;
}

export type RevokeOutcome = 'revoked' | 'no_session' | 'failed';

/** Sign-out waits this long for Clerk at most: the user is signed out here whatever Clerk says. */
export const REVOKE_TIMEOUT_MS = 3_000;

/** Clerk session ids (`sess_…`); anything else is not put into a URL path. */
const SESSION_ID = /^sess_[A-Za-z0-9]{1,64}$/;

interface RevokeOptions {
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  log?: Logger;
}

/**
 * Ends the signed-in Clerk session on Clerk's servers, so a session token copied before sign-out
 * (or Clerk's client cookie on its own domain) cannot keep it alive until it expires. The session
 * comes from the token clerkMiddleware verified offline; revoking it is one Backend API call
 * (https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/RevokeSession).
 * Never throws: a Clerk that is down or says no costs a warning, not the sign-out.
 */
export async function endClerkSession(clerk: ClerkBackend, options: RevokeOptions = {}): Promise<RevokeOutcome> {
  let sessionId: string | null | undefined;
  try {
    sessionId = (await auth()).sessionId;
  } catch {
    // No Clerk auth state on this request (clerkMiddleware did not run): nothing to revoke.
    sessionId = null;
  }
  if (!sessionId) return 'no_session';
  return revokeClerkSession(clerk, sessionId, options);
}

/** POST {apiUrl}/v1/sessions/{id}/revoke with the secret key, bounded by a timeout. */
export async function revokeClerkSession(
  clerk: ClerkBackend,
  sessionId: string,
  { fetch = globalThis.fetch, timeoutMs = REVOKE_TIMEOUT_MS, log = getLogger() }: RevokeOptions = {},
): Promise<RevokeOutcome> {
  // The log lines carry the session id (not a secret; an operator can revoke it by hand) and
  // never the secret key, the session token or Clerk's answer.
  const warn = (detail: Record<string, unknown>) =>
    log.warn({ sessionId, ...detail }, 'sign-out: Clerk did not revoke the session; it ends when it expires');
  if (!SESSION_ID.test(sessionId)) {
    warn({ reason: 'malformed_session_id', sessionId: undefined });
    return 'failed';
  }
  try {
    const res = await fetch(`${clerk.apiUrl}/v1/sessions/${sessionId}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.secretKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    // Only the status matters; the body is let go without waiting for it.
    void res.body?.cancel().catch(() => undefined);
    if (res.ok) return 'revoked';
    warn({ reason: 'clerk_error', status: res.status });
  } catch (err) {
    warn({ reason: err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'unreachable' });
  }
  return 'failed';
}
