import { resolveAppOrigin, type HeaderReader, type OriginSettings } from '../http/app-origin';
import type { ProviderSlug } from '../providers/types';

/**
 * The public origin in a route handler: APP_URL when set, else the Host the request came to
 * (X-Forwarded-* only with TRUST_PROXY=on). Not `req.url`: under `next start` that is always
 * localhost:<port>, whatever name the browser used.
 */
export function publicOrigin(env: OriginSettings, req: { url: string; headers: HeaderReader }): string {
  const url = new URL(req.url);
  // proxy.ts has already refused a request without a usable Host; req.url is only a formality.
  return resolveAppOrigin(env, req.headers, url.protocol) ?? url.origin;
}

/** Authorize and callback must send the identical redirect_uri (RFC 6749 §4.1.3). */
export function callbackUrl(origin: string, provider: ProviderSlug): string {
  return `${origin}/api/v1/oauth/${provider}/callback`;
}

/** Only same-site paths: an open redirect would hand the outcome to anyone. */
export function safeReturnPath(path: string | null | undefined): string {
  return path && /^\/(?![/\\])[\w\-./?=&%]*$/.test(path) && path.length <= 200 ? path : '/';
}

/**
 * Where simulated providers live for a connect, callback or disconnect: the shared simulator when
 * SIMULATOR_URL is set (so its grants are the ones the sweep later refreshes there), else this
 * app's own. Real providers ignore it.
 */
export function providerOrigin(input: { env: { simulatorUrl?: string }; origin: string }): string {
  return input.env.simulatorUrl ?? input.origin;
}
