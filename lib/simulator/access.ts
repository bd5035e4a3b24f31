import { bearerToken, secretsEqual } from '../http/secrets';
import type { SimulatedProvider } from './credentials';
import { json } from './http';

/**
 * What the simulator needs to know about the app it stands in for, as a real provider's
 * developer console would: which redirect URIs are registered for each simulated app, and who
 * may use the admin API (reset, knobs, revoke, seed, issued), which is not part of any provider.
 */

/** `secret`: only with `Authorization: Bearer <secret>`. `open`: anyone (tests, development). `off`: nobody. */
export type AdminAccess = { secret: string } | 'open' | 'off';

export interface SimulatorContext {
  admin: AdminAccess;
  /** Exact-match redirect URIs per simulated app; the consent page refuses any other. */
  redirectUris(provider: SimulatedProvider): readonly string[];
}

/**
 * With SIMULATOR_ADMIN_SECRET the admin API asks for it; without, it is open outside production
 * (the simulator's default habitat: `npm run dev` and tests) and off in production, where
 * SIMULATOR=on would otherwise let anyone who reaches the app reset, revoke and seed.
 */
export function adminAccessFor(env: { nodeEnv: string; simulatorAdminSecret: string | undefined }): AdminAccess {
  if (env.simulatorAdminSecret) return { secret: env.simulatorAdminSecret };
  return env.nodeEnv === 'production' ? 'off' : 'open';
}

/** The redirect URI the app registers for a provider: `<origin>/api/v1/oauth/<slug>/callback` (lib/connections/origin.ts). */
export function appCallbackUris(origin: string): SimulatorContext['redirectUris'] {
  const base = new URL(origin).origin;
  return (provider) => [`${base}/api/v1/oauth/${provider}/callback`];
}

/**
 * Admin actions that hand out live credentials (every code and token issued, to any client and
 * persona): they want SIMULATOR_ADMIN_SECRET even where the rest is open. Open admin is reachable
 * by anything that can reach the dev server's loopback port — another local user, a container
 * sharing the network — and "open" must not mean "read everyone's tokens".
 */
const SECRET_ONLY: ReadonlySet<string> = new Set(['issued']);

/** A refusal for an admin request (`action`: the first path segment after `_admin/`) the access rule does not allow, or null to go ahead. */
export function refuseAdminRequest(access: AdminAccess, request: Request, action?: string): Response | null {
  if (access === 'off') {
    return json(
      { error: 'admin_disabled', message: 'The simulator admin API is off in production: set SIMULATOR_ADMIN_SECRET and send it as a Bearer token.' },
      403,
    );
  }
  if (access === 'open' && action !== undefined && SECRET_ONLY.has(action)) {
    return json(
      { error: 'admin_secret_required', message: `The simulator admin endpoint ${action} returns live tokens: set SIMULATOR_ADMIN_SECRET and send it as a Bearer token.` },
      403,
    );
  }
  if (access === 'open') {
    // No secret to ask for, so at least no web page may drive it from another site (a
    // cross-site text/plain POST needs no preflight).
    return isCrossSite(request) ? json({ error: 'cross_site_request', message: 'The simulator admin API refuses cross-site requests.' }, 403) : null;
  }
  const presented = bearerToken(request.headers.get('authorization'));
  if (presented !== null && secretsEqual(presented, access.secret)) return null;
  return json(
    { error: 'unauthorized', message: 'The simulator admin API needs Authorization: Bearer <SIMULATOR_ADMIN_SECRET>.' },
    401,
    { 'www-authenticate': 'Bearer realm="simulator-admin"' },
  );
}

function isCrossSite(request: Request): boolean {
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  const origin = request.headers.get('origin');
  return origin !== null && origin !== new URL(request.url).origin;
}
