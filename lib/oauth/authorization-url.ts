import 'server-only';
import type { Region, ResolvedProvider } from '../providers/types';

/** The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). */

export interface AuthorizationUrlParams {
  state: string;
  redirectUri: string;
  /** S256 challenge (see pkce.ts); required when the definition uses PKCE. */
  codeChallenge?: string;
  /** Amazon's consent host per region [AZ1]. */
  region?: Region;
  /** Overrides the definition's scopes. */
  scopes?: readonly string[];
}

/**
 * The URL to send the user to, passed through the provider's rewriteUrl (simulator mode). The
 * challenge goes only to providers that use PKCE; the method is always explicit because Amazon
 * defaults to `plain` when it is omitted [AZ10].
 */
export function buildAuthorizationUrl(p: Pick<ResolvedProvider, 'definition' | 'credentials' | 'rewriteUrl'>, params: AuthorizationUrlParams): string {
  const definition = p.definition;
  const url = new URL(definition.endpoints(params.region).authorization);
  const scopes = params.scopes ?? definition.scopes;
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.credentials.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  // Space-separated per RFC 6749 §3.3 (Amazon [AZ10], LinkedIn [LI1], X [X1]); Meta's own
  // examples use commas [M19].
  url.searchParams.set('scope', scopes.join(definition.scopeSeparator));
  url.searchParams.set('state', params.state);
  if (definition.pkce !== null) {
    if (!params.codeChallenge) {
      throw new Error(`${definition.name} uses PKCE (${definition.pkce}): a code challenge is required`);
    }
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', definition.pkce);
  }
  for (const [key, value] of Object.entries(definition.extraAuthorizeParams ?? {})) {
    url.searchParams.set(key, value);
  }
  // URLSearchParams writes spaces as '+' (a literal '+' is %2B); X documents %20 [X1], which
  // every server decodes.
  url.search = url.searchParams.toString().replace(/\+/g, '%20');
  return p.rewriteUrl(url.href);
}
