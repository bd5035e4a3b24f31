import 'server-only';
import { z } from 'zod';
import { getJson, type CallOptions } from '../../oauth/http';
import { AMAZON_ADS_API_URLS, AMAZON_USER_PROFILE_URL } from './definition';
import { REGIONS, type ConnectedAccount, type Region, type ResolvedProvider } from '../types';

/**
 * Who connected (LWA /user/profile [AZ12]) and which advertising profiles they reach. Each Ads
 * host lists only its own region's profiles, so all three are asked [AZ5].
 */

const UserProfile = z.object({ user_id: z.string().min(1), name: z.string().optional(), email: z.string().optional() });

const optionalText = z.string().optional().catch(undefined);

const AdsProfile = z.object({
  // A JSON number, but later sent as the Amazon-Advertising-API-Scope header: keep it a string.
  profileId: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  countryCode: optionalText,
  currencyCode: optionalText,
  timezone: optionalText,
  accountInfo: z
    .object({ id: optionalText, type: optionalText, name: optionalText, marketplaceStringId: optionalText })
    .optional()
    .catch(undefined),
});
export type AmazonAdsProfile = z.infer<typeof AdsProfile>;
/** Built once, not per call: a zod schema compiles itself on its first parse (issue 12, callback p99). */
export const AdsProfiles = z.array(AdsProfile);

export async function fetchAmazonAdsAccount(
  p: ResolvedProvider,
  accessToken: string,
  options: CallOptions = {},
): Promise<ConnectedAccount> {
  const call = { ...options, accessToken };
  const [user, ...regional] = await Promise.all([
    getJson(p, AMAZON_USER_PROFILE_URL, UserProfile, call),
    ...REGIONS.map((region) =>
      getJson(p, `${AMAZON_ADS_API_URLS[region]}/v2/profiles`, AdsProfiles, {
        ...call,
        // The approved LWA client id is a required header [AZ4][AZ5]; no Scope header here.
        headers: { 'Amazon-Advertising-API-ClientId': p.credentials.clientId },
      }),
    ),
  ]);
  const profiles = Object.fromEntries(REGIONS.map((region, i) => [region, regional[i]!])) as Record<
    Region,
    AmazonAdsProfile[]
  >;
  return {
    externalAccountId: user.user_id,
    displayName: user.name ?? user.email ?? user.user_id,
    metadata: { profiles },
  };
}
