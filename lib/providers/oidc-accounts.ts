import 'server-only';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { getJson, type CallOptions } from '../oauth/http';
import type { OidcDefinition } from './oidc';
import { ProviderError, type ConnectedAccount, type ResolvedProvider, type TokenSet } from './types';

/**
 * The generic provider's account: the UserInfo endpoint (OIDC Core §5.3) when the issuer has one,
 * else the ID token's claims. The ID token comes straight from the token endpoint over TLS, which
 * OIDC Core §3.1.3.7 (6) accepts in place of a signature check; issuer and audience are still checked.
 */

const optionalText = z.string().optional().catch(undefined);
const Claims = z.object({
  sub: z.string().min(1),
  name: optionalText,
  preferred_username: optionalText,
  email: optionalText,
});
type Claims = z.infer<typeof Claims>;

const identityError = (description: string) =>
  new ProviderError({ code: 'invalid_identity', description, kind: 'transient' });

function claimsFromIdToken(idToken: string, issuer: string, clientId: string): Claims {
  let payload: ReturnType<typeof decodeJwt>;
  try {
    payload = decodeJwt(idToken);
  } catch {
    throw identityError('the id_token is not a JWT');
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (payload.iss !== issuer || !audiences.includes(clientId)) {
    throw identityError('the id_token was not issued by this issuer for this client');
  }
  const parsed = Claims.safeParse(payload);
  if (!parsed.success) throw identityError('the id_token has no sub claim');
  return parsed.data;
}

export async function fetchOidcAccount(
  p: ResolvedProvider & { definition: OidcDefinition },
  tokenSet: TokenSet,
  options: CallOptions = {},
): Promise<ConnectedAccount> {
  const { issuer, userinfoEndpoint } = p.definition;
  const fromIdToken = tokenSet.idToken ? claimsFromIdToken(tokenSet.idToken, issuer, p.credentials.clientId) : undefined;
  let claims = fromIdToken;
  if (userinfoEndpoint) {
    claims = await getJson(p, userinfoEndpoint, Claims, { ...options, accessToken: tokenSet.accessToken });
    // OIDC Core §5.3.2: a UserInfo sub that differs from the ID token's must not be used.
    if (fromIdToken && fromIdToken.sub !== claims.sub) throw identityError('userinfo sub differs from the id_token sub');
  }
  if (!claims) throw identityError('the issuer has no userinfo endpoint and returned no id_token (request the openid scope)');
  return {
    externalAccountId: claims.sub,
    displayName: claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub,
    metadata: { issuer, ...(claims.email ? { email: claims.email } : {}), ...(claims.preferred_username ? { preferredUsername: claims.preferred_username } : {}) },
  };
}
