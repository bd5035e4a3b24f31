import 'server-only';
import { z } from 'zod';
import { isMetaDefinition, type MetaDefinition } from '../providers/meta/definition';
import { buildGraphRequest } from '../providers/meta/graph';
import type { ResolvedProvider } from '../providers/types';
import { applyClientAuth } from './client-auth';
import { processJsonResponse, sendProviderRequest, type CallOptions, type ProviderRequest } from './http';

/**
 * Ending a grant at the provider. RFC 7009 where the provider has a revocation endpoint (X [X2],
 * LinkedIn [LI14], OIDC issuers with `revocation_endpoint`), Meta's DELETE /me/permissions [M7],
 * and for Amazon, which has no endpoint [AZ13], the hint for the user instead.
 */

export interface RevokeParams extends CallOptions {
  /** Absent when none is stored (erased, or imported without one): nothing is sent for it. */
  accessToken?: string;
  refreshToken?: string;
}

export interface RevokeResult {
  revoked: boolean;
  /** What the user must do themselves when the provider cannot revoke programmatically. */
  manual?: string;
}

type Provider = Pick<ResolvedProvider, 'definition' | 'credentials'>;

/**
 * RFC 7009 §2.1: `token` + `token_type_hint`, with the client authenticated as at the token
 * endpoint (Basic + client_id for X, body credentials for LinkedIn).
 */
export function buildRevocationRequest(
  p: Provider,
  token: string,
  hint: 'access_token' | 'refresh_token',
): ProviderRequest {
  const url = p.definition.endpoints(undefined).revoke;
  if (!url) throw new Error(`${p.definition.name} has no revocation endpoint`);
  const params = new URLSearchParams({ token, token_type_hint: hint });
  const headers: Record<string, string> = {};
  applyClientAuth(p.definition.clientAuth, p.credentials, { headers, params }, { clientIdInBody: p.definition.clientIdInBody });
  return { method: 'POST', url, headers, body: params };
}

/** Meta: de-authorize the app for the user; the token goes in the header like every Graph call. */
export function buildMetaPermissionsDeleteRequest(
  p: Pick<ResolvedProvider, 'credentials'> & { definition: MetaDefinition },
  accessToken: string,
): ProviderRequest {
  const url = p.definition.endpoints(undefined).revoke;
  if (!url) throw new Error('Meta has no permissions endpoint configured');
  return { method: 'DELETE', ...buildGraphRequest(p, url, accessToken) };
}

// RFC 7009 §2.2: success is HTTP 200 and the body is ignored; Meta answers `{"success":true}` or `true`.
const AnyBody = z.unknown();
const MetaRevoked = z.union([z.literal(true), z.object({ success: z.literal(true) })]);

/**
 * Revokes the grant. The refresh token goes first: revoking it ends the whole grant at most
 * servers (RFC 7009 §2.1), and X rotates it, so a leftover could mint new access tokens. Throws a
 * ProviderError when the provider refuses; the caller erases its copy of the tokens either way.
 */
export async function revokeGrant(p: ResolvedProvider, params: RevokeParams): Promise<RevokeResult> {
  const { definition } = p;
  if (!definition.endpoints(undefined).revoke) {
    return definition.manualRevokeHint ? { revoked: false, manual: definition.manualRevokeHint } : { revoked: false };
  }
  if (isMetaDefinition(definition)) {
    // Meta has no refresh token; without an access token there is nothing to authenticate the DELETE with.
    if (!params.accessToken) return { revoked: false };
    const response = await sendProviderRequest(p, buildMetaPermissionsDeleteRequest({ ...p, definition }, params.accessToken), params);
    processJsonResponse(p, response, MetaRevoked);
    return { revoked: true };
  }
  const tokens: [string, 'access_token' | 'refresh_token'][] = [];
  if (params.refreshToken) tokens.push([params.refreshToken, 'refresh_token']);
  if (params.accessToken) tokens.push([params.accessToken, 'access_token']);
  // An empty `token=` is not a revocation; nothing stored, nothing to revoke.
  if (tokens.length === 0) return { revoked: false };
  for (const [token, hint] of tokens) {
    const response = await sendProviderRequest(p, buildRevocationRequest(p, token, hint), params);
    processJsonResponse(p, response, AnyBody);
  }
  return { revoked: true };
}
