import { classifyBy, isInvalidGrant } from '../../oauth/classify';
import type { ProviderDefinition, Region } from '../types';

/**
 * Amazon Ads through Login with Amazon (providers.md §1). Three consent hosts and three token
 * hosts, one per region; codes and tokens are valid across all of them [AZ1][AZ2].
 */

const CONSENT_URLS: Record<Region, string> = {
  na: 'https://www.amazon.com/ap/oa',
  eu: 'https://eu.account.amazon.com/ap/oa',
  fe: 'https://apac.account.amazon.com/ap/oa',
};

const TOKEN_URLS: Record<Region, string> = {
  na: 'https://api.amazon.com/auth/o2/token',
  eu: 'https://api.amazon.co.uk/auth/o2/token',
  fe: 'https://api.amazon.co.jp/auth/o2/token',
};

/** Ads API hosts; each lists only its own region's profiles [AZ5][AZ6]. */
export const AMAZON_ADS_API_URLS: Record<Region, string> = {
  na: 'https://advertising-api.amazon.com',
  eu: 'https://advertising-api-eu.amazon.com',
  fe: 'https://advertising-api-fe.amazon.com',
};

/** The LWA customer profile (needs the `profile` scope) [AZ12]. */
export const AMAZON_USER_PROFILE_URL = 'https://api.amazon.com/user/profile';

export const amazonAds: ProviderDefinition = {
  slug: 'amazon-ads',
  name: 'Amazon Ads',
  regions: ['na', 'eu', 'fe'],
  endpoints: (region) => ({
    authorization: CONSENT_URLS[region ?? 'na'],
    token: TOKEN_URLS[region ?? 'na'],
    // No programmatic revocation found [AZ13]: see manualRevokeHint.
  }),
  // `profile` for /user/profile, the account's external id and name [AZ12].
  scopes: ['advertising::campaign_management', 'profile'],
  scopeSeparator: ' ',
  // The Ads docs and Amazon's Postman collection send credentials in the body [AZ2][AZ9].
  clientAuth: 'client_secret_post',
  // Optional at Amazon, recommended with state [AZ1]; the method must be explicit (default plain) [AZ10].
  pkce: 'S256',
  // Refresh tokens do not rotate; a response without one keeps the stored token [AZ2][AZ16].
  refresh: 'refresh_token',
  defaults: { accessTokenTtlSec: 3600 },
  // Revoked/expired refresh token and used code: 400 invalid_grant [AZ18]. A bad secret is
  // 401 invalid_client: configuration, not a dead grant (see lib/oauth/classify.ts).
  classifyError: classifyBy(isInvalidGrant),
  manualRevokeHint: 'Remove Grantkeeper at https://www.amazon.com/ap/adam',
  envPrefix: 'AMAZON_ADS',
};
