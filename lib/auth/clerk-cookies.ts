import 'server-only';

/**
 * Clerk's session cookies on our own domain: `__session` (the short-lived session token) and
 * `__client_uat` (when the client last signed in), each possibly with a suffix derived from the
 * publishable key (`__session_Abc123`), plus the development-instance `__clerk_db_jwt*`. Clearing
 * them is what Clerk's own signOut does on the app's domain; we cannot run its browser script
 * (it needs Clerk's servers), so the server does it.
 */
const CLERK_SESSION_COOKIE = /^(__session|__client_uat|__clerk_db_jwt|__refresh)(_[A-Za-z0-9_-]+)?$/;

export function clerkSessionCookieNames(names: Iterable<string>): string[] {
  return [...names].filter((name) => CLERK_SESSION_COOKIE.test(name));
}
