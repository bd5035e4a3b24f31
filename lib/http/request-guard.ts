import type { Env } from '../env';
import { resolveAppOrigin, type HeaderReader } from './app-origin';
import { isLoopbackHost, lastForwarded } from './host';
import { isSameOriginRequest, needsOriginCheck } from './same-origin';

/**
 * The checks proxy.ts makes before a request reaches any page, action or route: who may talk to
 * local mode, what our own origin is, and whether a change comes from it. Pure, so each rule is
 * unit-tested; proxy.ts only turns a refusal into a response.
 */

export type GuardEnv = Pick<Env, 'appUrl' | 'trustProxy' | 'localAllowRemote'> & { auth: Pick<Env['auth'], 'mode'> };

export interface GuardRequest {
  method: string;
  pathname: string;
  /** `http:` or `https:`: how the request reached this server. */
  protocol: string;
  headers: HeaderReader;
}

export type Refusal = 'host_not_loopback' | 'bad_host' | 'cross_site';

export type GuardResult = { ok: true; appOrigin: string } | { ok: false; refusal: Refusal; status: 400 | 403; message: string };

export const REFUSAL_MESSAGES: Record<Refusal, string> = {
  host_not_loopback:
    'This Grantkeeper runs in local mode, without sign-in, and answers only at localhost, 127.0.0.1 or [::1]. ' +
    'Open it there, or configure Clerk sign-in (or, deliberately, LOCAL_MODE_ALLOW_REMOTE=on) to reach it from elsewhere.',
  bad_host: 'The Host header is not a host name.',
  cross_site:
    'Refused: this change did not come from a Grantkeeper page (its Origin is missing or another site). ' +
    'Programs authenticate with an API key (Authorization: Bearer gk_…).',
};

function refuse(refusal: Refusal, status: 400 | 403): GuardResult {
  return { ok: false, refusal, status, message: REFUSAL_MESSAGES[refusal] };
}

export function guardRequest(env: GuardEnv, req: GuardRequest): GuardResult {
  if (env.auth.mode === 'local' && !env.localAllowRemote) {
    // Local mode has no sign-in: its only protection is that nobody else can address it. A DNS-
    // rebound page carries its own name in Host; behind a trusted proxy, the name the proxy saw.
    const forwarded = env.trustProxy ? lastForwarded(req.headers.get('x-forwarded-host')) : null;
    if (!isLoopbackHost(req.headers.get('host')) || (forwarded !== null && !isLoopbackHost(forwarded))) {
      return refuse('host_not_loopback', 403);
    }
  }
  const appOrigin = resolveAppOrigin(env, req.headers, req.protocol);
  if (!appOrigin) return refuse('bad_host', 400);
  const check = { method: req.method, pathname: req.pathname, headers: req.headers, authMode: env.auth.mode };
  if (needsOriginCheck(check) && !isSameOriginRequest(req.headers, appOrigin)) return refuse('cross_site', 403);
  return { ok: true, appOrigin };
}
