import 'server-only';
import { createHmac } from 'node:crypto';
import type { MetaDefinition } from './definition';
import type { ProviderCredentials } from '../types';

/**
 * A Graph API call's URL and headers. The user's token travels in `Authorization: Bearer`, which
 * Graph accepts as well as the `access_token` parameter [M17], so it never sits in a URL that a
 * proxy, a log or an error message could keep. With META_APP_SECRET_PROOF=on the URL also carries
 * `appsecret_proof` = hex HMAC-SHA256(key = app secret, message = access token), which apps with
 * "Require App Secret" need on every call [M17]; it proves the caller holds the app secret and is
 * useless without the token.
 */
export interface GraphRequest {
  url: string;
  headers: Record<string, string>;
}

export function buildGraphRequest(
  p: { definition: Pick<MetaDefinition, 'appSecretProof'>; credentials: Pick<ProviderCredentials, 'clientSecret'> },
  url: string,
  accessToken: string,
  params: Record<string, string> = {},
): GraphRequest {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  if (p.definition.appSecretProof) {
    target.searchParams.set('appsecret_proof', computeAppSecretProof(p.credentials.clientSecret, accessToken));
  }
  return { url: target.href, headers: { authorization: `Bearer ${accessToken}` } };
}

export function computeAppSecretProof(appSecret: string, accessToken: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}
