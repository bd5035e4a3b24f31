import 'server-only';
import type { ClientAuthMethod, ProviderCredentials } from '../providers/types';

/**
 * Client authentication as a value (RFC 6749 §2.3.1): one function applies the provider's method
 * to a request's headers and parameters, so the token and revoke steps never branch on providers.
 */

export interface AuthenticatedParts {
  headers: Record<string, string>;
  /** The form body. */
  params: URLSearchParams;
}

export interface ClientAuthOptions {
  /** X wants client_id in the body alongside the Basic header [X9]. */
  clientIdInBody?: boolean;
}

/**
 * RFC 6749 §2.3.1: with HTTP Basic the client id and secret are each encoded with
 * application/x-www-form-urlencoded (Appendix B) *before* base64; a secret with `:` or `+`
 * would otherwise be misread by the server.
 */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

export function basicAuthorization(credentials: ProviderCredentials): string {
  const pair = `${formUrlEncode(credentials.clientId)}:${formUrlEncode(credentials.clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

export function applyClientAuth(
  method: ClientAuthMethod,
  credentials: ProviderCredentials,
  parts: AuthenticatedParts,
  options: ClientAuthOptions = {},
): void {
  switch (method) {
    case 'client_secret_basic':
      parts.headers.authorization = basicAuthorization(credentials);
      if (options.clientIdInBody) parts.params.set('client_id', credentials.clientId);
      return;
    case 'client_secret_post':
      parts.params.set('client_id', credentials.clientId);
      parts.params.set('client_secret', credentials.clientSecret);
      return;
  }
}
