import type { Env } from '../env';
import { lastForwarded, parseHostHeader } from './host';

/** What the origin of a request is read from: a `Headers`, or Next's `headers()`. */
export interface HeaderReader {
  get(name: string): string | null;
}

export type OriginSettings = Pick<Env, 'appUrl' | 'trustProxy'>;

/**
 * This app's own origin, for one request: APP_URL when it is set (production requires it);
 * otherwise the `Host` the request came to, or — only with TRUST_PROXY=on — the host and scheme
 * our proxy wrote in `X-Forwarded-Host`/`-Proto`. A client's own forwarding headers never count:
 * a forged one would move redirect URLs and the same-origin check to the attacker's host.
 * Null when the host is not a host name at all.
 */
export function resolveAppOrigin(settings: OriginSettings, headers: HeaderReader, requestProtocol = 'http:'): string | null {
  if (settings.appUrl) return new URL(settings.appUrl).origin;
  const forwardedHost = settings.trustProxy ? lastForwarded(headers.get('x-forwarded-host')) : null;
  const host = parseHostHeader(forwardedHost ?? headers.get('host'));
  if (!host) return null;
  const forwardedProto = settings.trustProxy ? lastForwarded(headers.get('x-forwarded-proto'))?.toLowerCase() : undefined;
  const scheme =
    forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : requestProtocol === 'https:' ? 'https' : 'http';
  return new URL(`${scheme}://${host.hostname}${host.port ? `:${host.port}` : ''}`).origin;
}
