/**
 * The security headers every response carries, set in proxy.ts. Pages get a Content-Security-
 * Policy with a fresh nonce: Next reads it from the request's CSP header and puts it on its own
 * scripts (node_modules/next/dist/docs/01-app/02-guides/content-security-policy.md), and
 * 'strict-dynamic' lets those scripts load the rest. No inline script runs without the nonce.
 */

export interface HeaderContext {
  pathname: string;
  /** next dev: React needs eval for its error overlays. */
  dev: boolean;
  /** HSTS and upgrade-insecure-requests only when the app is served over https (APP_URL). */
  https: boolean;
  /** Clerk's Frontend API origin in Clerk mode, e.g. https://clerk.example.com. */
  clerkFrontendApi?: string;
  /** The Sentry DSN's origin when SENTRY_DSN is set: the browser reports errors there. */
  errorReportingOrigin?: string;
}

/** Paths whose URLs carry authorization codes or state: no Referer may leak them onwards. */
const NO_REFERRER = [/^\/api\/v1\/oauth\//, /^\/oauth\//, /^\/api\/simulator\//];

/** Nothing here needs a device API; denying them costs nothing and narrows what injected code can do. */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/** A nonce: 128 random bits, base64. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

function policy(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** The CSP of an app page (dashboard, audit, settings, error pages). */
export function pageContentSecurityPolicy(nonce: string, ctx: HeaderContext): string {
  const clerk = ctx.clerkFrontendApi ? [ctx.clerkFrontendApi] : [];
  return policy({
    'default-src': ["'self'"],
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(ctx.dev ? ["'unsafe-eval'"] : [])],
    // Inline styles, not scripts: Radix positions popovers with style attributes and sonner adds
    // a <style> element at run time; neither can carry a nonce. (A nonce here would also disable
    // 'unsafe-inline'.) Styles cannot run code.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...(ctx.clerkFrontendApi ? ['https://img.clerk.com'] : [])],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...clerk, ...(ctx.errorReportingOrigin ? [ctx.errorReportingOrigin] : [])],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': ctx.clerkFrontendApi ? ["'self'", 'https://challenges.cloudflare.com'] : ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(ctx.https ? { 'upgrade-insecure-requests': [] } : {}),
  });
}

/**
 * API responses are data, never documents to render: nothing may load from them or frame them.
 * The simulator's consent and error pages (plain HTML under /api/simulator, inline CSS, no
 * script) get just what they use: their own styles, the app's icon and a form posting back to this origin.
 */
export function apiContentSecurityPolicy(pathname: string): string {
  if (pathname.startsWith('/api/simulator/')) {
    return policy({
      'default-src': ["'none'"],
      'style-src': ["'unsafe-inline'"],
      // The app's own icon, so the browser does not fall back to a /favicon.ico that 404s.
      'img-src': ["'self'"],
      'form-action': ["'self'"],
      'base-uri': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
  }
  return policy({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] });
}

/** Headers for every response, page or API (the CSP is added separately). */
export function securityHeaders(ctx: HeaderContext): Record<string, string> {
  const api = ctx.pathname.startsWith('/api/');
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': NO_REFERRER.some((re) => re.test(ctx.pathname)) ? 'no-referrer' : 'strict-origin-when-cross-origin',
    'permissions-policy': PERMISSIONS_POLICY,
    ...(api ? { 'content-security-policy': apiContentSecurityPolicy(ctx.pathname) } : {}),
    // Every API answer is per-user or live; a proxy header wins over the route's own (Next's
    // sendResponse), so the one public, cacheable document is left alone.
    ...(api && ctx.pathname !== '/api/v1/openapi.json' ? { 'cache-control': 'no-store' } : {}),
    ...(ctx.https ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

/** Where the browser sends error reports: the DSN's scheme, host and port (never its key). */
export function errorReportingOrigin(dsn: string | undefined): string | undefined {
  if (!dsn) return undefined;
  try {
    return new URL(dsn).origin;
  } catch {
    return undefined;
  }
}

/** Clerk's Frontend API origin, which the publishable key encodes: pk_live_<base64("host$")>. */
export function clerkFrontendApiOrigin(publishableKey: string): string | undefined {
  const encoded = /^pk_(?:test|live)_(.+)$/.exec(publishableKey)?.[1];
  if (!encoded) return undefined;
  try {
    const host = atob(encoded).replace(/\$$/, '');
    return /^[a-z0-9.-]+$/i.test(host) ? `https://${host}` : undefined;
  } catch {
    return undefined;
  }
}
