import type { Env } from '../env';
import type { ProviderSlug } from '../providers/types';

/** The public origin: APP_URL when set (behind proxies), else the request's own. */
export function publicOrigin(env: Pick<Env, 'appUrl'>, requestUrl: string): string {
  return env.appUrl ? new URL(env.appUrl).origin : new URL(requestUrl).origin;
}

/** Authorize and callback must send the identical redirect_uri (RFC 6749 §4.1.3). */
export function callbackUrl(origin: string, provider: ProviderSlug): string {
  return `${origin}/api/v1/oauth/${provider}/callback`;
}

/** Only same-site paths: an open redirect would hand the outcome to anyone. */
export function safeReturnPath(path: string | null | undefined): string {
  return path && /^\/(?![/\\])[\w\-./?=&%]*$/.test(path) && path.length <= 200 ? path : '/';
}
