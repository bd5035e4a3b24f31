import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { rateLimitHeaders } from './headers';
import type { RateLimitDecision } from './limiter';

/**
 * The quota a request was counted against, remembered for the length of the request so the
 * RateLimit and RateLimit-Policy fields go on whatever it answers — 200, 429, or the 400, 401,
 * 404, 409 or 500 of a limited route after its hit was counted. The draft
 * (draft-ietf-httpapi-ratelimit-headers) has the fields describe the quota whatever the status;
 * attached here once, by handleRoute (lib/http/handle-route.ts), no route can forget them.
 * Kept on globalThis: Next bundles route handlers separately.
 */
interface Slot {
  decision: RateLimitDecision | null;
}

const holder = globalThis as unknown as { grantkeeperRequestQuota?: AsyncLocalStorage<Slot> };
const storage = (holder.grantkeeperRequestQuota ??= new AsyncLocalStorage<Slot>());

/** Called by checkRateLimit for every hit it counts; outside a route (server actions, tests) nothing is kept. */
export function noteRateLimit(decision: RateLimitDecision): void {
  const slot = storage.getStore();
  if (slot) slot.decision = decision;
}

/** Runs a route handler and adds the fields of the last quota it was counted against to its answer. */
export async function withRequestQuota(handler: () => Promise<Response>): Promise<Response> {
  const slot: Slot = { decision: null };
  const res = await storage.run(slot, handler);
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
