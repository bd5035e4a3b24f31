import 'server-only';
import { ProviderError, type Region, type ResolvedProvider, type TokenSet } from '../providers/types';
import { applyClientAuth } from './client-auth';
import { sendProviderRequest, type CallOptions, type ProviderRequest } from './http';
import { processTokenResponse } from './token-response';

/**
 * Token endpoint steps (RFC 6749 §3.2). Each is a request builder (a plain value, testable
 * without a network) plus the shared response processor; the async functions just join them.
 */

export interface CodeExchangeParams extends CallOptions {
  code: string;
  redirectUri: string;
  /** Sent only to providers whose definition uses PKCE (RFC 7636 §4.5). */
  codeVerifier?: string;
  region?: Region;
}

export interface LongLivedExchangeParams extends CallOptions {
  accessToken: string;
}

export interface RefreshParams extends CallOptions {
  /** For the refresh_token strategy. */
  refreshToken?: string;
  /** For the long_lived_exchange strategy (Meta re-exchanges the current token [M2][M11]). */
  accessToken?: string;
  region?: Region;
}

type Provider = Pick<ResolvedProvider, 'definition' | 'credentials'>;

/**
 * Grant parameters plus client authentication in a POST form body (RFC 6749 §3.2), for Meta too
 * (it also accepts the GET it documents [M1]): codes, tokens and secrets never go in a URL.
 */
export function buildTokenRequest(p: Provider, region: Region | undefined, grant: Record<string, string>): ProviderRequest {
  const definition = p.definition;
  const params = new URLSearchParams(grant);
  const headers: Record<string, string> = {};
  applyClientAuth(definition.clientAuth, p.credentials, { headers, params }, { clientIdInBody: definition.clientIdInBody });
  return { method: 'POST', url: definition.endpoints(region).token, headers, body: params };
}

/** RFC 6749 §4.1.3 (+ RFC 7636 §4.5 code_verifier). */
export function buildCodeExchangeRequest(p: Provider, params: CodeExchangeParams): ProviderRequest {
  const definition = p.definition;
  const grant: Record<string, string> = {};
  if (!definition.omitCodeGrantType) grant.grant_type = 'authorization_code';
  grant.code = params.code;
  grant.redirect_uri = params.redirectUri;
  // Never to a provider without PKCE: LinkedIn's web flow fails when code_verifier is sent [LI12],
  // Meta's classic dialog too [M12].
  if (definition.pkce !== null && params.codeVerifier) grant.code_verifier = params.codeVerifier;
  return buildTokenRequest(p, params.region, grant);
}

/** RFC 6749 §6. */
export function buildRefreshRequest(p: Provider, params: { refreshToken: string; region?: Region }): ProviderRequest {
  return buildTokenRequest(p, params.region, { grant_type: 'refresh_token', refresh_token: params.refreshToken });
}

/** Meta's short-lived → long-lived exchange: grant_type=fb_exchange_token [M2]. */
export function buildLongLivedExchangeRequest(p: Provider, params: { accessToken: string }): ProviderRequest {
  return buildTokenRequest(p, undefined, { grant_type: 'fb_exchange_token', fb_exchange_token: params.accessToken });
}

/** Exchanges an authorization code for tokens (one request; see completeCodeExchange for Meta). */
export async function exchangeCode(p: ResolvedProvider, params: CodeExchangeParams): Promise<TokenSet> {
  if (p.definition.pkce !== null && !params.codeVerifier) {
    throw new ProviderError({
      code: 'missing_code_verifier',
      description: `${p.definition.name} uses PKCE: the code_verifier from the authorization request is required`,
      kind: 'permanent',
    });
  }
  const response = await sendProviderRequest(p, buildCodeExchangeRequest(p, params), params);
  return processTokenResponse(p, response);
}

export async function exchangeForLongLived(p: ResolvedProvider, params: LongLivedExchangeParams): Promise<TokenSet> {
  const response = await sendProviderRequest(p, buildLongLivedExchangeRequest(p, params), params);
  return processTokenResponse(p, response);
}

/**
 * What the OAuth callback calls: the code exchange, then for long_lived_exchange providers the
 * exchange to a ~60-day token at once, since the code-exchange token lasts hours [M2] and
 * an expired token can no longer be exchanged.
 */
export async function completeCodeExchange(p: ResolvedProvider, params: CodeExchangeParams): Promise<TokenSet> {
  const tokens = await exchangeCode(p, params);
  if (p.definition.refresh !== 'long_lived_exchange') return tokens;
  const longLived = await exchangeForLongLived(p, { accessToken: tokens.accessToken, timeoutMs: params.timeoutMs });
  return { ...longLived, scopes: longLived.scopes ?? tokens.scopes };
}

/**
 * A fresh access token by the definition's strategy. A response without refresh_token means
 * "keep the stored one" (invariant 3); the caller merges. Strategy `none` (LinkedIn apps without
 * programmatic refresh [LI2]) is a permanent failure: only re-consent helps.
 */
export async function refreshAccessToken(p: ResolvedProvider, params: RefreshParams): Promise<TokenSet> {
  const definition = p.definition;
  switch (definition.refresh) {
    case 'refresh_token': {
      if (!params.refreshToken) {
        throw new ProviderError({ code: 'missing_refresh_token', description: 'no refresh token is stored for this grant', kind: 'permanent' });
      }
      const request = buildRefreshRequest(p, { refreshToken: params.refreshToken, region: params.region });
      return processTokenResponse(p, await sendProviderRequest(p, request, params));
    }
    case 'long_lived_exchange': {
      if (!params.accessToken) {
        throw new ProviderError({ code: 'missing_access_token', description: 'no access token to re-exchange', kind: 'permanent' });
      }
      return exchangeForLongLived(p, { accessToken: params.accessToken, timeoutMs: params.timeoutMs });
    }
    case 'none':
      throw new ProviderError({
        code: 'refresh_unsupported',
        description: `${definition.name} issues no refresh tokens to this app: the user must reconnect`,
        kind: 'permanent',
      });
  }
}
