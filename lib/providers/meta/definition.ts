import { classifyBy } from '../../oauth/classify';
import type { ErrorKind, ProviderDefinition, ProviderErrorInfo } from '../types';

/** Meta: Facebook Login (for Business) and the Graph/Marketing API (providers.md §4). */

export interface MetaDefinition extends ProviderDefinition {
  slug: 'meta';
  /** Every Graph path carries a version, e.g. v25.0. */
  graphVersion: string;
  graphUrl(path: string): string;
  /** Send `appsecret_proof` with every Graph call (META_APP_SECRET_PROOF=on) [M17]. */
  appSecretProof: boolean;
}

/**
 * Throttling: 4 app, 17 user, 32 Pages, 613 custom, 80000–80014 business use case [M5][M14][M15];
 * 1 and 2 are temporary server-side errors [M4]. 341 "application limit reached" is the same
 * kind of limit (Meta error-handling guide). Meta sends these with 400/403, not 429.
 */
export function isMetaThrottleOrTemporary(code: number | undefined): boolean {
  if (code === undefined) return false;
  return [1, 2, 4, 17, 32, 341, 613].includes(code) || (code >= 80000 && code <= 80014);
}

/**
 * 190 is an expired, invalid or revoked token with any subcode (458 app removed, 460 password
 * changed, 463 expired, 467 invalid…) [M4][M23]; nothing but a new login helps. 102 ("API
 * session": login status or token expired/revoked) gets the same advice in Meta's guide. A
 * reused or unknown code is 100/36009 [M16], Meta's invalid_grant.
 */
function isGrantDead(info: ProviderErrorInfo): boolean {
  return info.code === 190 || info.code === 102 || (info.code === 100 && info.subcode === 36009) || info.error === 'invalid_grant';
}

const classifyGrant = classifyBy(isGrantDead);

function classifyMetaError(info: ProviderErrorInfo): ErrorKind {
  if (isMetaThrottleOrTemporary(info.code)) return 'transient';
  return classifyGrant(info);
}

export function createMetaDefinition(options: { graphVersion: string; appSecretProof?: boolean }): MetaDefinition {
  const graphVersion = options.graphVersion;
  const graphUrl = (path: string) => `https://graph.facebook.com/${graphVersion}/${path.replace(/^\//, '')}`;
  return {
    slug: 'meta',
    name: 'Meta',
    graphVersion,
    graphUrl,
    appSecretProof: options.appSecretProof ?? false,
    endpoints: () => ({
      authorization: `https://www.facebook.com/${graphVersion}/dialog/oauth`,
      token: graphUrl('oauth/access_token'),
      // De-authorizes the whole app for the user (common practice, unverified on the page) [M7].
      revoke: graphUrl('me/permissions'),
    }),
    scopes: ['ads_read', 'business_management', 'pages_show_list', 'instagram_basic', 'public_profile'],
    // Comma-separated in Meta's own examples [M19].
    scopeSeparator: ',',
    // Meta documents a GET with the secret (and the code, or the token being exchanged) in the
    // query string [M1][M2]; the same parameters as a POST form body work too [M11] and keep
    // secrets out of URLs, which proxies and servers log.
    clientAuth: 'client_secret_post',
    // Meta's manual flow documents exactly client_id, redirect_uri, client_secret, code [M1].
    omitCodeGrantType: true,
    // The classic dialog ignores code_challenge and the exchange then fails [M12].
    pkce: null,
    // No refresh token: exchange for a ~60-day token at connect time, re-exchange later [M2][M11].
    refresh: 'long_lived_exchange',
    // An expired Meta token cannot be exchanged [M2]: re-exchange a week ahead.
    defaults: { accessTokenTtlSec: 5183944, refreshLeadSec: 7 * 86_400 },
    classifyError: classifyMetaError,
    envPrefix: 'META',
  };
}

export function isMetaDefinition(definition: ProviderDefinition): definition is MetaDefinition {
  return definition.slug === 'meta' && typeof (definition as Partial<MetaDefinition>).graphUrl === 'function';
}
