import 'server-only';
import { currentRequestQuota, withLogContext, type LogContext, type RequestQuota } from '../log-context';
import { rateLimitHeaders } from './headers';
import type { RateLimitDecision } from './limiter';

/**
 * The quota a request was counted against, remembered for the length of the request so the
 * RateLimit and RateLimit-Policy fields go on whatever it answers — 200, 429, or the 400, 401,
 * 404, 409 or 500 of a limited route after its hit was counted. The draft
 * (draft-ietf-httpapi-ratelimit-headers) has the fields describe the quota whatever the status;
 * attached here once, by handleRoute (lib/http/handle-route.ts), no route can forget them.
 * The slot is kept in the request's log context (lib/log-context.ts), beside the logged fields:
 * one AsyncLocalStorage per request, and the decision never reaches a log line.
 */

/** Called by checkRateLimit for every hit it counts; outside a route (server actions, tests) nothing is kept. */
export function noteRateLimit(decision: RateLimitDecision): void {
  const slot = currentRequestQuota();
  if (slot) slot.decision = decision;
}

/**
 * Runs a route handler in its request's context (these log fields and a fresh quota slot) and adds
 * the fields of the last quota it was counted against to its answer.
 */
export async function withRequestQuota(fields: LogContext, handler: () => Promise<Response>): Promise<Response> {
  const slot: RequestQuota = { decision: null };
  const res = await withLogContext(fields, handler, slot);
  return slot.decision ? withFields(res, slot.decision) : res;
}

function withFields(res: Response, decision: RateLimitDecision): Response {
  const fields = Object.entries(rateLimitHeaders(decision));
  try {
    for (const [k, v] of fields) res.headers.set(k, v);
    return res;
  } catch {
    // Response.redirect() and fetched responses have immutable headers: answer with a copy.
    const copy = new Response(res.body, res);
    for (const [k, v] of fields) copy.headers.set(k, v);
    return copy;
  }
}
