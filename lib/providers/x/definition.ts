import { classifyBy, isInvalidGrant } from '../../oauth/classify';
import type { ProviderDefinition, ProviderErrorInfo } from '../types';

/** X OAuth 2.0 Authorization Code with PKCE (providers.md §3). */

export const X_USERS_ME_URL = 'https://api.x.com/2/users/me';

/**
 * X answers a spent (rotated) or revoked refresh token with 400 invalid_request "Value passed
 * for the token was invalid." rather than invalid_grant [X10]: the grant is dead all the same.
 */
function isGrantDead(info: ProviderErrorInfo): boolean {
  return (
    isInvalidGrant(info) ||
    (info.error === 'invalid_request' && /value passed for the token was invalid/i.test(info.description ?? ''))
  );
}

export const x: ProviderDefinition = {
  slug: 'x',
  name: 'X',
  endpoints: () => ({
    // The documented consent URL [X1][X2]; the OpenAPI spec's api.x.com variant is not used.
    authorization: 'https://x.com/i/oauth2/authorize',
    token: 'https://api.x.com/2/oauth2/token',
    revoke: 'https://api.x.com/2/oauth2/revoke',
  }),
  // offline.access is what makes X issue a refresh token [X1].
  scopes: ['tweet.read', 'users.read', 'offline.access'],
  scopeSeparator: ' ',
  // Confidential clients must use Basic; X rejects body secrets [X2][X3]. client_id in the body
  // as well: a community test got "Missing required parameter [client_id]" without it [X9].
  clientAuth: 'client_secret_basic',
  clientIdInBody: true,
  // Mandatory at X [X1].
  pkce: 'S256',
  // Refresh tokens rotate and are single use: always store the newest [X3][X9].
  refresh: 'refresh_token',
  defaults: { accessTokenTtlSec: 7200 },
  classifyError: classifyBy(isGrantDead),
  envPrefix: 'X',
};
