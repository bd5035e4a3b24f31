import 'server-only';
import { createHmac } from 'node:crypto';
import type { ProviderCredentials } from './types';

/**
 * A Graph API URL carrying the user's token the way Meta documents it (`access_token` parameter)
 * plus `appsecret_proof` = hex HMAC-SHA256(key = app secret, message = access token), which apps
 * with "Require App Secret" need on every call and the others accept [M17].
 */
export function buildGraphUrl(
  url: string,
  credentials: Pick<ProviderCredentials, 'clientSecret'>,
  accessToken: string,
  params: Record<string, string> = {},
): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  target.searchParams.set('access_token', accessToken);
  target.searchParams.set('appsecret_proof', computeAppSecretProof(credentials.clientSecret, accessToken));
  return target.href;
}

export function computeAppSecretProof(appSecret: string, accessToken: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}
