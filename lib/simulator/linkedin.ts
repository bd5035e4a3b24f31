import { checkClient } from './client-auth';
import { handleConsent, type ConsentSpec } from './consent';
import { injectedFailure, oauthError, type TokenFailureShapes } from './failures';
import {
  findCode,
  grantForCode,
  issueAccessToken,
  issueRefreshToken,
  lookupAccessToken,
  lookupRefreshToken,
  markCodeUsed,
  revokeAccessTokensOf,
  revokeGrant,
} from './grants';
import { json, param, type Route, type SimRequest } from './http';
import { LINKEDIN_API_ROUTES } from './linkedin-api';
import { recordRevocations } from './stats';
import type { Grant, SimulatorState } from './state';

/** LinkedIn Marketing OAuth (providers.md §2): authorization, accessToken, revoke, introspectToken. */

const CONSENT: ConsentSpec = {
  brand: { name: 'LinkedIn', headerBackground: '#ffffff', headerText: '#0a66c2', accent: '#0a66c2', accentText: '#ffffff', denyLabel: 'Cancel' },
  scopeSeparator: ' ', // [LI1]
  knownScopes: [
    'r_ads', 'rw_ads', 'r_ads_reporting', 'r_organization_social', 'w_organization_social', 'rw_organization_admin',
    'r_organization_admin', 'r_basicprofile', 'r_1st_connections_size', 'r_marketing_leadgen_automation', // [LI4]
    'openid', 'profile', 'email', // [LI5]
  ],
  invalidScopeError: 'unauthorized_scope_error',
  codeLifetimeSec: 1800, // [LI1]
  pkce: 'ignored', // the web flow has no PKCE [LI6]; a verifier at the exchange fails (below)
  denial: { error: 'user_cancelled_authorize', error_description: 'The user cancelled the authorization' }, // [LI1]
};

// [LI1][LI2]: the documented message/description pairs.
const CODE_MISMATCH =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';
const CODE_NOT_FOUND = 'Unable to retrieve access token: authorization code not found';
/** A dead refresh token is `invalid_request`, not `invalid_grant` [LI2]. */
const DEAD_GRANT = 'The provided authorization grant or refresh token is invalid, expired or revoked';

const FAILURES: TokenFailureShapes = {
  invalidGrant: () => oauthError(400, 'invalid_request', DEAD_GRANT),
  rateLimited: (retryAfterSec) =>
    json({ message: 'Resource level throttle limit for calls to this resource is reached.', status: 429 }, 429, { 'retry-after': String(retryAfterSec) }),
  serverError: () => json({ message: 'Internal Server Error', status: 500 }, 500),
};

/** The refresh token's hard end: 365 days from the first consent, never extended [LI2]. */
function refreshEndsAt(state: SimulatorState, grant: Grant): number {
  return grant.consentedAt + state.knobs.linkedin.refreshTokenTtlSec * 1000;
}

async function accessToken(req: SimRequest): Promise<Response> {
  const form = await req.form();
  const grantType = param(form, 'grant_type') ?? 'missing';
  const injected = await injectedFailure(req, grantType, FAILURES);
  if (injected) return injected;
  const fail = (status: number, error: string, description: string) => {
    req.tokenCall = { grantType, outcome: error };
    return oauthError(status, error, description);
  };
  const missing = (name: string) => fail(400, 'invalid_request', `A required parameter "${name}" is missing`);

  if (grantType === 'missing') return missing('grant_type');
  // Credentials in the body only (client_secret_post) [LI1]; a Basic header is not read.
  const clientId = param(form, 'client_id');
  if (!clientId) return missing('client_id');
  const clientSecret = param(form, 'client_secret');
  if (!clientSecret) return missing('client_secret');
  if (checkClient(req.provider, clientId, clientSecret) !== 'ok') return fail(401, 'invalid_client', 'Client authentication failed');

  const { state } = req;
  const knobs = state.knobs.linkedin;
  const issue = (grant: Grant) => {
    const access = issueAccessToken(state, grant, knobs.accessTokenTtlSec);
    const refresh = grant.refreshToken ? { refresh_token: grant.refreshToken, refresh_token_expires_in: Math.floor((refreshEndsAt(state, grant) - state.now()) / 1000) } : {};
    req.tokenCall = { grantType, outcome: 'ok' };
    // No token_type in the documented responses [LI1]; scope separator is a knob [LI3][LI13].
    return json({ access_token: access.token, expires_in: knobs.accessTokenTtlSec, ...refresh, scope: grant.scopes.join(knobs.scopeSeparator) });
  };

  if (grantType === 'authorization_code') {
    // Sending a PKCE verifier on the web flow breaks the exchange [LI12].
    if (form.has('code_verifier')) return fail(400, 'invalid_redirect_uri', CODE_MISMATCH);
    const value = param(form, 'code');
    if (!value) return missing('code');
    const redirectUri = param(form, 'redirect_uri');
    if (!redirectUri) return missing('redirect_uri');
    const found = findCode(state, req.provider, value, clientId, redirectUri);
    if (!found.ok) {
      return found.reason === 'unknown' || found.reason === 'used'
        ? fail(401, 'invalid_request', CODE_NOT_FOUND)
        : fail(400, 'invalid_redirect_uri', CODE_MISMATCH);
    }
    markCodeUsed(state, found.code);
    // One grant per (app, member) while its refresh window lasts: re-consent keeps the first-consent clock.
    const grant = grantForCode(state, found.code, (g) => state.now() < refreshEndsAt(state, g));
    if (!sameScopes(grant.scopes, found.code.scopes)) {
      revokeAccessTokensOf(state, grant); // a different scope set invalidates earlier tokens [LI1]
      grant.scopes = found.code.scopes;
    }
    if (knobs.programmaticRefresh && !grant.refreshToken) grant.refreshToken = issueRefreshToken(state, grant).token;
    return issue(grant);
  }

  if (grantType === 'refresh_token') {
    const value = param(form, 'refresh_token');
    if (!value) return missing('refresh_token');
    const found = lookupRefreshToken(state, req.provider, value);
    if (!found.ok || found.grant.clientId !== clientId || state.now() >= refreshEndsAt(state, found.grant)) {
      return fail(400, 'invalid_request', DEAD_GRANT);
    }
    found.grant.refreshCount += 1;
    return issue(found.grant); // the same refresh token again, its end unchanged [LI2]
  }
  return fail(400, 'unsupported_grant_type', 'The grant_type is not supported');
}

function sameScopes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}

/** RFC 7009 semantics: a refresh token ends the grant; an access token ends only itself [LI14]. */
async function revoke(req: SimRequest): Promise<Response> {
  const form = await req.form();
  if (checkClient(req.provider, param(form, 'client_id'), param(form, 'client_secret')) !== 'ok') {
    return oauthError(401, 'invalid_client', 'Client authentication failed');
  }
  const value = param(form, 'token');
  if (!value) return oauthError(400, 'invalid_request', 'A required parameter "token" is missing');
  const refresh = lookupRefreshToken(req.state, req.provider, value);
  if (refresh.ok) revokeGrant(req.state, refresh.grant, 'revoked_by_app', 'endpoint');
  const access = lookupAccessToken(req.state, req.provider, value);
  if (access.ok) {
    access.record.revoked = true;
    recordRevocations(req.state.stats, req.provider, 'endpoint');
  }
  return new Response(null, { status: 200 });
}

/** Token introspection [LI3]: epoch seconds, comma-separated scope. */
async function introspect(req: SimRequest): Promise<Response> {
  const form = await req.form();
  const client = checkClient(req.provider, param(form, 'client_id'), param(form, 'client_secret'));
  if (client === 'unknown_client') return oauthError(400, 'invalid_request', 'The passed in client_id is invalid');
  if (client === 'bad_secret') return oauthError(401, 'invalid_client', 'Client authentication failed');
  const found = lookupAccessToken(req.state, req.provider, param(form, 'token'));
  if (!found.ok && found.reason === 'unknown') return json({ active: false });
  const { record, grant } = found;
  return json({
    active: found.ok,
    client_id: grant.clientId,
    authorized_at: Math.floor(grant.consentedAt / 1000),
    created_at: Math.floor(record.issuedAt / 1000),
    status: found.ok ? 'active' : found.reason,
    expires_at: Math.floor((record.expiresAt ?? 0) / 1000),
    scope: grant.scopes.join(','),
    auth_type: '3L',
  });
}

const HOST = ['www.linkedin.com'];

export const LINKEDIN_ROUTES: Route[] = [
  { methods: ['GET', 'POST'], hosts: HOST, path: /^\/oauth\/v2\/authorization$/, handle: (r) => handleConsent(r, CONSENT) },
  { methods: ['POST'], hosts: HOST, path: /^\/oauth\/v2\/accessToken$/, handle: accessToken },
  { methods: ['POST'], hosts: HOST, path: /^\/oauth\/v2\/revoke$/, handle: revoke },
  { methods: ['POST'], hosts: HOST, path: /^\/oauth\/v2\/introspectToken$/, handle: introspect },
  ...LINKEDIN_API_ROUTES,
];
