import type { AuthMode } from '../env';
import type { HeaderReader } from './app-origin';

/**
 * Cross-site request forgery defence for everything a browser could be tricked into sending:
 * a state-changing request authenticated by a cookie (Clerk) or by nothing at all (local mode)
 * must say it comes from our own origin. Browsers set `Origin` and `Sec-Fetch-Site` themselves and
 * page scripts cannot forge either; a cross-site `text/plain` form or fetch carries the attacker's
 * origin. (OWASP CSRF Prevention Cheat Sheet, "Verifying Origin with standard headers".)
 */

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Machine endpoints that authenticate otherwise and are called cross-site by design: the cron
 * route (bearer CRON_SECRET), Clerk's webhook (svix signature), and the provider simulator, whose
 * consent form and token endpoints stand in for another site.
 */
const EXEMPT_PREFIXES = ['/api/cron/', '/api/webhooks/', '/api/simulator/'];

export interface OriginCheckInput {
  method: string;
  pathname: string;
  headers: HeaderReader;
  authMode: AuthMode;
}

/** Whether this request must prove it is same-origin before it may change anything. */
export function needsOriginCheck({ method, pathname, headers, authMode }: OriginCheckInput): boolean {
  if (!STATE_CHANGING.has(method.toUpperCase())) return false;
  if (EXEMPT_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return false;
  const cookie = Boolean(headers.get('cookie'));
  // A bearer credential without a cookie (API keys, a Clerk session token sent by a program) is
  // never attached by a browser on its own, and sending one cross-site needs a CORS preflight we
  // never grant.
  if (!cookie && /^bearer\s/i.test(headers.get('authorization') ?? '')) return false;
  // Clerk authenticates browsers by cookie only; without one there is nothing to forge.
  return authMode === 'local' || cookie;
}

/** `Origin` equal to ours, or the browser's own word that the request is same-origin. */
export function isSameOriginRequest(headers: HeaderReader, appOrigin: string): boolean {
  if (headers.get('sec-fetch-site') === 'same-origin') return true;
  const origin = headers.get('origin');
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).origin === appOrigin;
  } catch {
    return false;
  }
}
