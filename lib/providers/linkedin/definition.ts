import { classifyBy, isInvalidGrant } from '../../oauth/classify';
import type { ProviderDefinition, ProviderErrorInfo } from '../types';

/** LinkedIn Marketing APIs (providers.md §2). */

export interface LinkedInDefinition extends ProviderDefinition {
  slug: 'linkedin';
  /** `LinkedIn-Version: YYYYMM`, mandatory on every /rest call [LI7]. */
  apiVersion: string;
}

export interface LinkedInOptions {
  /** Only apps LinkedIn approved for programmatic refresh get refresh tokens [LI2]. */
  refreshTokens: boolean;
  apiVersion: string;
}

export const LINKEDIN_USERINFO_URL = 'https://api.linkedin.com/v2/userinfo';
export const LINKEDIN_REST_URL = 'https://api.linkedin.com/rest';

const DEAD_GRANT = /(authorization grant|refresh token)[^.]*\b(invalid|expired|revoked)\b/i;

/**
 * A dead refresh token is 400 invalid_request "The provided authorization grant or refresh token
 * is invalid, expired or revoked" — not invalid_grant [LI1][LI2]. An unknown code is 401
 * invalid_request "authorization code not found" [LI1]. Other invalid_request errors (a missing
 * parameter) are the client's bug, not a dead grant.
 */
function isGrantDead(info: ProviderErrorInfo): boolean {
  if (isInvalidGrant(info)) return true;
  if (info.error !== 'invalid_request') return false;
  const description = info.description ?? '';
  return DEAD_GRANT.test(description) || /authorization code not found/i.test(description);
}

const DAY = 24 * 60 * 60;

export function createLinkedInDefinition(options: LinkedInOptions): LinkedInDefinition {
  return {
    slug: 'linkedin',
    name: 'LinkedIn',
    apiVersion: options.apiVersion,
    endpoints: () => ({
      authorization: 'https://www.linkedin.com/oauth/v2/authorization',
      token: 'https://www.linkedin.com/oauth/v2/accessToken',
      // Used by client libraries; LinkedIn's own page was not located (unverified) [LI14].
      revoke: 'https://www.linkedin.com/oauth/v2/revoke',
    }),
    // openid/profile/email for /v2/userinfo [LI5]; r_ads for adAccountUsers/adAccounts and
    // r_ads_reporting for adAnalytics [LI4]. r_basicprofile is only for the legacy /v2/me,
    // which Grantkeeper does not call.
    scopes: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'],
    scopeSeparator: ' ',
    clientAuth: 'client_secret_post',
    // The web flow breaks when PKCE is sent [LI6][LI12].
    pkce: null,
    // Non-rotating refresh tokens for approved apps; the others can only re-consent [LI2].
    refresh: options.refreshTokens ? 'refresh_token' : 'none',
    defaults: {
      accessTokenTtlSec: 60 * DAY, // 5184000 [LI1]
      refreshTokenTtlSec: 365 * DAY, // fixed from first consent, never extended [LI2]
    },
    classifyError: classifyBy(isGrantDead),
    envPrefix: 'LINKEDIN',
  };
}

export function isLinkedInDefinition(definition: ProviderDefinition): definition is LinkedInDefinition {
  return definition.slug === 'linkedin' && typeof (definition as Partial<LinkedInDefinition>).apiVersion === 'string';
}
