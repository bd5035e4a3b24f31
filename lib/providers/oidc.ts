import 'server-only';
import { z } from 'zod';
import { classifyBy, isInvalidGrant } from '../oauth/classify';
import { processJsonResponse, sendProviderRequest, type CallOptions } from '../oauth/http';
import { ProviderError, type ClientAuthMethod, type ProviderDefinition, type ResolvedProvider } from './types';

/**
 * The generic OAuth 2.0 / OpenID Connect provider, configured entirely by the environment
 * (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES, OIDC_NAME). Everything else comes
 * from the issuer's discovery document (OIDC Discovery 1.0 §4, RFC 8414 §3).
 */

export interface OidcDefinition extends ProviderDefinition {
  slug: 'oidc';
  issuer: string;
  userinfoEndpoint?: string;
}

const DiscoveryDocument = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  userinfo_endpoint: z.url().optional(),
  revocation_endpoint: z.url().optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  grant_types_supported: z.array(z.string()).optional(),
});
export type OidcMetadata = z.infer<typeof DiscoveryDocument>;

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const discoveryCache = new Map<string, { metadata: OidcMetadata; expiresAt: number }>();

export function clearOidcDiscoveryCache(): void {
  discoveryCache.clear();
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

// Discovery failures are the issuer's trouble or ours, never a dead grant.
const discovery = { definition: { classifyError: classifyBy(() => false) } };

/** Fetches (and caches for an hour) `<issuer>/.well-known/openid-configuration`. Failures are not cached. */
export async function discoverOidcIssuer(
  issuer: string,
  p: Pick<ResolvedProvider, 'fetch'>,
  options: CallOptions = {},
): Promise<OidcMetadata> {
  const key = withoutTrailingSlash(issuer);
  const cached = discoveryCache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.metadata;
  const url = `${key}/.well-known/openid-configuration`;
  const response = await sendProviderRequest(p, { method: 'GET', url, headers: {} }, options);
  const metadata = processJsonResponse(discovery, response, DiscoveryDocument);
  // OIDC Discovery §4.3: the document's issuer must be the one we asked, or it is not that issuer.
  if (withoutTrailingSlash(metadata.issuer) !== key) {
    throw new ProviderError({ code: 'issuer_mismatch', description: 'discovery document names a different issuer', kind: 'transient' });
  }
  discoveryCache.set(key, { metadata, expiresAt: Date.now() + DISCOVERY_TTL_MS });
  return metadata;
}

/** Basic first (the default when the list is absent, OIDC Discovery §3), then post. */
export function chooseClientAuth(supported: readonly string[] | undefined): ClientAuthMethod {
  const methods = supported ?? ['client_secret_basic'];
  if (methods.includes('client_secret_basic')) return 'client_secret_basic';
  if (methods.includes('client_secret_post')) return 'client_secret_post';
  throw new ProviderError({
    code: 'unsupported_client_auth',
    description: `the issuer supports none of client_secret_basic, client_secret_post (it lists ${methods.join(', ')})`,
    kind: 'transient',
  });
}

export function createOidcDefinition(metadata: OidcMetadata, options: { scopes: readonly string[]; name: string }): OidcDefinition {
  const challengeMethods = metadata.code_challenge_methods_supported;
  const grantTypes = metadata.grant_types_supported;
  return {
    slug: 'oidc',
    name: options.name,
    issuer: metadata.issuer,
    userinfoEndpoint: metadata.userinfo_endpoint,
    endpoints: () => ({
      authorization: metadata.authorization_endpoint,
      token: metadata.token_endpoint,
      revoke: metadata.revocation_endpoint,
    }),
    scopes: options.scopes,
    scopeSeparator: ' ',
    clientAuth: chooseClientAuth(metadata.token_endpoint_auth_methods_supported),
    // S256 unless the issuer says it cannot (RFC 7636 §4.2; RFC 8414 §2 metadata). Absent metadata
    // does not mean unsupported, and an issuer that ignores PKCE is not harmed by it.
    pkce: !challengeMethods || challengeMethods.includes('S256') ? 'S256' : null,
    refresh: !grantTypes || grantTypes.includes('refresh_token') ? 'refresh_token' : 'none',
    // OIDC Core §11: offline_access is ignored unless the request carries prompt=consent.
    extraAuthorizeParams: options.scopes.includes('offline_access') ? { prompt: 'consent' } : undefined,
    // No standard default exists; an hour is the common choice and errs on refreshing early.
    defaults: { accessTokenTtlSec: 3600 },
    classifyError: classifyBy(isInvalidGrant),
    envPrefix: 'OIDC',
  };
}

export function isOidcDefinition(definition: ProviderDefinition): definition is OidcDefinition {
  return definition.slug === 'oidc' && typeof (definition as Partial<OidcDefinition>).issuer === 'string';
}
