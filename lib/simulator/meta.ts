import { checkClient, isKnownClient } from './client-auth';
import { handleConsent, type ConsentSpec } from './consent';
import { injectedFailure, type TokenFailureShapes } from './failures';
import { findCode, grantForCode, issueAccessToken, lookupAccessToken, markCodeUsed } from './grants';
import { param, json, type Route, type SimRequest } from './http';
import { deadTokenError, graphError, throttledError } from './meta-errors';
import { META_GRAPH_ROUTES } from './meta-graph';

/** Meta: Facebook Login dialog and the Graph token endpoint (providers.md §4). */

const GRAPH_SCOPES = [
  'ads_read', 'ads_management', 'business_management', 'pages_show_list', 'pages_read_engagement', 'pages_manage_metadata',
  'pages_manage_ads', 'instagram_basic', 'instagram_manage_insights', 'instagram_content_publish', 'read_insights',
  'leads_retrieval', 'catalog_management', 'email', 'public_profile', // [M3]
];

const CONSENT: ConsentSpec = {
  brand: { name: 'Facebook', headerBackground: '#0866ff', headerText: '#ffffff', accent: '#0866ff', accentText: '#ffffff', denyLabel: 'Deny' },
  scopeSeparator: ',', // [M19]
  knownScopes: GRAPH_SCOPES,
  invalidScopeError: 'invalid_scope',
  codeLifetimeSec: 600, // Meta's codes last about ten minutes (not in providers.md)
  pkce: 'ignored', // the classic dialog ignores code_challenge [M12]
  responseTypeOptional: true,
  scopesForConfigId: ['ads_read', 'ads_management', 'business_management', 'pages_show_list', 'pages_read_engagement', 'instagram_basic', 'instagram_manage_insights', 'read_insights', 'public_profile'],
  denial: { error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied' },
  successFragment: '#_=_', // [M18]
};

const FAILURES: TokenFailureShapes = {
  invalidGrant: () =>
    graphError(400, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', 190, 460),
  rateLimited: () => throttledError(4), // no Retry-After on Meta [M5]
  serverError: () => graphError(500, 'An unexpected error has occurred. Please retry your request later.', 2, undefined, { isTransient: true }),
};

/** `GET` (or POST) `/{v}/oauth/access_token`: code exchange and fb_exchange_token [M1][M2]. */
async function accessToken(req: SimRequest): Promise<Response> {
  const params = new URLSearchParams(req.query);
  for (const [k, v] of await req.form()) params.set(k, v);
  const grantType = param(params, 'grant_type') ?? 'authorization_code';
  const injected = await injectedFailure(req, grantType, FAILURES);
  if (injected) return injected;
  const fail = (outcome: string, response: Response) => {
    req.tokenCall = { grantType, outcome };
    return response;
  };

  const clientId = param(params, 'client_id');
  if (!clientId) return fail('missing_client_id', graphError(400, 'Missing client_id parameter.', 101));
  if (!isKnownClient(req.provider, clientId)) return fail('invalid_client_id', graphError(400, 'Error validating application. Invalid application ID.', 101));
  if (checkClient(req.provider, clientId, param(params, 'client_secret')) !== 'ok') {
    return fail('invalid_client_secret', graphError(400, 'Error validating client secret.', 1));
  }
  const { state } = req;

  if (grantType === 'fb_exchange_token') {
    const found = lookupAccessToken(state, req.provider, param(params, 'fb_exchange_token'));
    // Expired tokens cannot be exchanged [M2]; nor can revoked or foreign ones.
    if (!found.ok) return fail('oauth_190', deadTokenError(found, state.now()));
    if (found.grant.clientId !== clientId || found.record.kind !== 'user') {
      return fail('oauth_190', graphError(400, 'Error validating access token: the token does not belong to this application.', 190));
    }
    const ttl = state.knobs.meta.longLivedTtlSec;
    const access = issueAccessToken(state, found.grant, ttl, { kind: 'user', longLived: true });
    req.tokenCall = { grantType, outcome: 'ok' };
    return json({ access_token: access.token, token_type: 'bearer', expires_in: ttl });
  }
  if (grantType !== 'authorization_code') return fail('unsupported_grant_type', graphError(400, 'Unsupported grant_type.', 100));

  // The dialog ignored any code_challenge, so a verifier at the exchange is refused [M12].
  if (params.has('code_verifier')) {
    return fail('code_verifier_without_challenge', graphError(400, 'code_verifier param is provided without a code_challenge in authorization request.', 100));
  }
  const value = param(params, 'code');
  if (!value) return fail('missing_code', graphError(400, 'Missing authorization code', 1));
  const found = findCode(state, req.provider, value, clientId, param(params, 'redirect_uri'));
  if (!found.ok) {
    switch (found.reason) {
      case 'used': // [M16]
        return fail('code_used', graphError(400, 'This authorization code has been used.', 100, 36009, {
          headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_code" "This authorization code has been used."' },
        }));
      case 'expired':
        return fail('code_expired', graphError(400, 'This authorization code has expired.', 100, 36007));
      case 'wrong_redirect':
        return fail('redirect_uri_mismatch', graphError(400, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 100, 36008));
      default:
        return fail('invalid_code', graphError(400, 'Invalid verification code format.', 100));
    }
  }
  markCodeUsed(state, found.code);
  // Permissions belong to the (app, user) pair: a re-consent adds to the same grant.
  const grant = grantForCode(state, found.code, () => true);
  grant.scopes = [...new Set([...grant.scopes, ...found.code.scopes])];
  const ttl = state.knobs.meta.accessTokenTtlSec;
  const access = issueAccessToken(state, grant, ttl);
  req.tokenCall = { grantType, outcome: 'ok' };
  // No refresh_token and no scope [M1][M2].
  return json({ access_token: access.token, token_type: 'bearer', expires_in: ttl });
}

const GRAPH = ['graph.facebook.com'];

export const META_ROUTES: Route[] = [
  { methods: ['GET', 'POST'], hosts: ['www.facebook.com', 'facebook.com'], path: /^\/v\d+\.\d+\/dialog\/oauth$/, handle: (r) => handleConsent(r, CONSENT) },
  { methods: ['GET', 'POST'], hosts: GRAPH, path: /^(?:\/v\d+\.\d+)?\/oauth\/access_token$/, handle: accessToken },
  ...META_GRAPH_ROUTES,
];
