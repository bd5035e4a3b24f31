/**
 * Paths that authenticate without a Clerk session: machines (health, cron, webhooks, OAuth
 * callbacks, the token API, the simulator), routes that take an API key or a session themselves,
 * and the sign-out route and signed-out page. Every route still checks its own caller (sessionRoute, apiKeyRoute,
 * the cron secret, svix): this list only decides where the proxy asks for a session first.
 * Our own matcher rather than Clerk's createRouteMatcher, which Clerk deprecates (and which warns
 * at start-up even in local mode).
 */
const PUBLIC_PATHS: RegExp[] = [
  /^\/api\/health$/,
  // Prometheus authenticates with METRICS_TOKEN (app/api/metrics/route.ts).
  /^\/api\/metrics$/,
  /^\/api\/webhooks\/.+$/,
  /^\/api\/cron\/.+$/,
  /^\/api\/simulator\/.+$/,
  /^\/api\/v1\/oauth\/[^/]+\/callback$/,
  /^\/api\/v1\/connections\/[^/]+\/access-token$/,
  /^\/api\/v1\/analytics\/insights$/,
  // The API's description and its reference page: the same for everyone, no secrets.
  /^\/api\/v1\/openapi\.json$/,
  /^\/docs\/api$/,
  /^\/signed-out$/,
  // Clears cookies only: an expired session must still be able to sign out.
  /^\/sign-out$/,
];

export function isPublicPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return PUBLIC_PATHS.some((re) => re.test(path));
}

/**
 * Machine routes that never read a Clerk session (a bearer API key, the cron secret, nothing):
 * the proxy sends them past Clerk's middleware, which would otherwise parse cookies, verify a
 * session JWT and rewrite the request on every token read for nothing.
 */
const MACHINE_PATHS: RegExp[] = [/^\/api\/health$/, /^\/api\/cron\/.+$/, /^\/api\/v1\/connections\/[^/]+\/access-token$/];

export function isMachinePath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return MACHINE_PATHS.some((re) => re.test(path));
}
