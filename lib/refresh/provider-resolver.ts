import 'server-only';
import type { Env } from '../env';
import { appFetch } from '../providers/app-fetch';
import { resolveProvider } from '../providers/registry';
import type { ProviderSlug, ResolvedProvider } from '../providers/types';
import { PROVIDER_TIMEOUT_MS } from './schedule';

/**
 * Resolves each provider once per sweep or request (OIDC discovery is a network call). Without an
 * injected fetch, simulated providers are served in-process by this server's simulator, or by the
 * shared one at SIMULATOR_URL.
 */
export function createProviderResolver(
  env: Env,
  opts: { origin: string; fetch?: typeof fetch },
): (slug: ProviderSlug) => Promise<ResolvedProvider | null> {
  const cache = new Map<ProviderSlug, Promise<ResolvedProvider | null>>();
  // A shared simulator (SIMULATOR_URL) is reached over HTTP, so instances agree on every grant.
  const origin = env.simulatorUrl ?? opts.origin;
  const fetchFn = opts.fetch ?? (env.simulatorUrl ? fetch : appFetch(origin));
  return (slug) => {
    let resolved = cache.get(slug);
    if (!resolved) {
      resolved = resolveProvider(slug, { env, origin, fetch: fetchFn, timeoutMs: PROVIDER_TIMEOUT_MS });
      // A failed discovery is retried next time rather than cached.
      resolved.catch(() => cache.delete(slug));
      cache.set(slug, resolved);
    }
    return resolved;
  };
}

/** Where this server can be reached for simulator URLs when there is no request at hand. */
export function internalOrigin(env: Pick<Env, 'appUrl'>): string {
  return env.appUrl ? new URL(env.appUrl).origin : `http://localhost:${process.env.PORT ?? 3000}`;
}
