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

/**
 * An unreadable key is the operator's to fix, not the user's: whatever message the row holds
 * (older servers stored one saying reconnecting also works), the card says the key must come back.
 */
export const KEY_UNAVAILABLE_WORDS =
  'This server cannot decrypt the connection’s stored tokens with its configured encryption keys: whoever runs Grantkeeper must restore the key they were written with (ENCRYPTION_KEYS, or the data directory’s encryption.key). Refreshing and syncing resume once it is back.';

/** A connection's last error in words: its stored message, or for an unreadable key, what fixes it. */
export function lastErrorWords(e: { code: string; message: string | null }): string {
  if (e.code === 'key_unavailable') return KEY_UNAVAILABLE_WORDS;
  return e.message ?? e.code;
}

/** Starts the provider's consent again for this connection (and its Amazon region). */
export function reconnectHref(c: Pick<ConnectionStatusView, 'id' | 'provider' | 'metadata'>, returnPath?: string): string {
  const query = new URLSearchParams({ connection: c.id });
  if (typeof c.metadata.region === 'string') query.set('region', c.metadata.region);
  if (returnPath) query.set('return', returnPath);
  return `/api/v1/oauth/${c.provider}/authorize?${query}`;
}
