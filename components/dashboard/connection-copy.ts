import type { ConnectionStatusView } from '@/lib/connections/status';
import { PROVIDER_COPY } from './provider-copy';

/** What a connection is called wherever it is shown. */
export function connectionName(c: Pick<ConnectionStatusView, 'account'>): string {
  return c.account.name ?? c.account.id;
}

/**
 * "Amazon Ads · simulated". No Amazon region: one Login with Amazon account is one connection
 * whose profiles span regions (listed by region below it); the consent region only picked a host.
 */
export function providerLine(c: Pick<ConnectionStatusView, 'provider' | 'metadata'>): string {
  const copy = PROVIDER_COPY[c.provider as keyof typeof PROVIDER_COPY] ?? PROVIDER_COPY.oidc;
  const parts: string[] = [copy.name];
  if (c.metadata.simulated === true) parts.push('simulated');
  return parts.join(' · ');
}

/** Starts the provider's consent again for this connection (and its Amazon region). */
export function reconnectHref(c: Pick<ConnectionStatusView, 'id' | 'provider' | 'metadata'>, returnPath?: string): string {
  const query = new URLSearchParams({ connection: c.id });
  if (typeof c.metadata.region === 'string') query.set('region', c.metadata.region);
  if (returnPath) query.set('return', returnPath);
  return `/api/v1/oauth/${c.provider}/authorize?${query}`;
}
