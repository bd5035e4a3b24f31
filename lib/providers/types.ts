/**
 * A provider is data (see docs: "Providers as data"): URLs, scopes, client authentication, PKCE,
 * refresh strategy, default lifetimes, error classification, revoke and identity calls. One
 * generic engine (lib/oauth) runs them all; per-provider code is small and named for its quirk.
 */

export const PROVIDER_SLUGS = ['amazon-ads', 'linkedin', 'x', 'meta', 'oidc'] as const;
export type ProviderSlug = (typeof PROVIDER_SLUGS)[number];

export const REGIONS = ['na', 'eu', 'fe'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * How the client proves itself at the token endpoint (RFC 6749 §2.3.1, OIDC Core §9):
 * - client_secret_post: client_id and client_secret in the form body (Amazon, LinkedIn)
 * - client_secret_basic: HTTP Basic (X; X also wants client_id in the body)
 * Token requests are always POSTs with a form body (RFC 6749 §3.2), Meta's too: a secret, code or
 * token never travels in a URL.
 */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

/** refresh_token: RFC 6749 §6; long_lived_exchange: Meta's fb_exchange_token; none: re-consent only. */
export type RefreshStrategy = 'refresh_token' | 'long_lived_exchange' | 'none';

export interface ProviderEndpoints {
  authorization: string;
  token: string;
  /** Absent when the provider has no programmatic revocation (Amazon). */
  revoke?: string;
}

export interface ProviderCredentials {
  clientId: string;
  clientSecret: string;
}

/** What a token endpoint returned, normalised. Never logged, never audited. */
export interface TokenSet {
  accessToken: string;
  /** Absent when the response omitted it: the stored one is kept (invariant 3). */
  refreshToken?: string;
  /** Seconds; absent when the provider omitted it: the provider default applies. */
  expiresIn?: number;
  refreshTokenExpiresIn?: number;
  scopes?: string[];
  tokenType?: string;
  idToken?: string;
}

/** The connected account, for the connections row. Metadata never holds a secret. */
export interface ConnectedAccount {
  externalAccountId: string;
  displayName: string;
  metadata: Record<string, unknown>;
}

/** permanent: the grant is dead, reconnect (needs_reauth). transient: retry with backoff. */
export type ErrorKind = 'permanent' | 'transient';

export interface ProviderErrorInit {
  /** OAuth `error`, Meta `OAuthException/<code>`, or one of network, timeout, http_<status>, invalid_response */
  code: string;
  description?: string;
  status?: number;
  subcode?: number;
  retryAfterSec?: number;
  kind: ErrorKind;
}

/** Every failure talking to a provider. The message never contains a token, code or secret. */
export class ProviderError extends Error {
  readonly code: string;
  readonly description?: string;
  readonly status?: number;
  readonly subcode?: number;
  readonly retryAfterSec?: number;
  readonly kind: ErrorKind;

  constructor(init: ProviderErrorInit) {
    super(init.description ? `${init.code}: ${init.description}` : init.code);
    this.name = 'ProviderError';
    this.code = init.code;
    this.description = init.description;
    this.status = init.status;
    this.subcode = init.subcode;
    this.retryAfterSec = init.retryAfterSec;
    this.kind = init.kind;
  }
}

/** A parsed provider error response before classification. */
export interface ProviderErrorInfo {
  status: number;
  error?: string;
  description?: string;
  /** Meta's `error.code` / `error_subcode` */
  code?: number;
  subcode?: number;
}

export interface ProviderDefinition {
  slug: ProviderSlug;
  name: string;
  /** Amazon: NA, EU, FE hosts. Absent: the provider has one set of hosts. */
  regions?: readonly Region[];
  endpoints(region: Region | undefined): ProviderEndpoints;
  scopes: readonly string[];
  scopeSeparator: ' ' | ',';
  clientAuth: ClientAuthMethod;
  /** X wants client_id in the body as well as the Basic header. */
  clientIdInBody?: boolean;
  /** Meta's code exchange takes no grant_type [M1]. */
  omitCodeGrantType?: boolean;
  /** S256 where the provider accepts it; null where PKCE breaks the flow (LinkedIn web, Meta classic). */
  pkce: 'S256' | null;
  refresh: RefreshStrategy;
  extraAuthorizeParams?: Readonly<Record<string, string>>;
  defaults: {
    /** Used when a token response has no expires_in. */
    accessTokenTtlSec: number;
    /** A hard end for refresh tokens counted from first consent (LinkedIn 365 days). */
    refreshTokenTtlSec?: number;
    /**
     * Refresh this long before expiry instead of the global lead (Meta: re-exchange days ahead,
     * since an expired token cannot be exchanged). Capped at half the token's lifetime.
     */
    refreshLeadSec?: number;
  };
  /** Decides permanent vs transient for a parsed error response. */
  classifyError(info: ProviderErrorInfo): ErrorKind;
  /** Shown when the provider cannot revoke programmatically (Amazon). */
  manualRevokeHint?: string;
  /** Environment variable prefix for client id and secret, e.g. AMAZON_ADS → AMAZON_ADS_CLIENT_ID. */
  envPrefix: string;
}

/** A provider ready to use: credentials resolved, and simulator origin rewriting applied. */
export interface ResolvedProvider {
  definition: ProviderDefinition;
  credentials: ProviderCredentials;
  /** True when the built-in simulator stands in for the real provider. */
  simulated: boolean;
  /** Maps a real provider URL to where it is served (identity in production). */
  rewriteUrl(url: string): string;
  /** fetch that applies rewriteUrl and a timeout; injectable in tests. */
  fetch: typeof fetch;
}
