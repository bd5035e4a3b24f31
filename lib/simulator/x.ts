import { checkClient } from './client-auth';
import { handleConsent, type ConsentSpec } from './consent';
import { injectedFailure, oauthError, type TokenFailureShapes } from './failures';
import {
  findCode,
  grantForCode,
  issueAccessToken,
  issueRefreshToken,
  liveGrantsOf,
  lookupAccessToken,
  lookupRefreshToken,
  markCodeUsed,
  revokeGrant,
} from './grants';
import { basicCredentials, bearerToken, json, param, type Route, type SimRequest } from './http';
import { findXPersona } from './persona-lookup';
import { verifyPkce } from './pkce';
import { recordRevocations } from './stats';
import type { Grant } from './state';

/** X OAuth 2.0 authorization code with PKCE (providers.md §3). */

const CONSENT: ConsentSpec = {
  brand: { name: 'X', headerBackground: '#000000', headerText: '#ffffff', accent: '#0f1419', accentText: '#ffffff', denyLabel: 'Cancel' },
  scopeSeparator: ' ', // [X1]
  knownScopes: [
    'tweet.read', 'tweet.write', 'tweet.moderate.write', 'users.read', 'users.email', 'follows.read', 'follows.write',
    'offline.access', 'space.read', 'mute.read', 'mute.write', 'like.read', 'like.write', 'list.read', 'list.write',
    'block.read', 'block.write', 'bookmark.read', 'bookmark.write', 'dm.read', 'dm.write', 'media.write', // [X1]
    'timeline.read', 'broadcast.read', 'broadcast.write', 'ads.read', 'ads.write', // [X7][X3]
  ],
  invalidScopeError: 'invalid_scope',
  codeLifetimeSec: 30, // [X1]
  pkce: 'required', // [X1]
  denial: { error: 'access_denied' },
};

const BAD_CODE = 'Value passed for the authorization code was invalid.';
const BAD_TOKEN = 'Value passed for the token was invalid.'; // spent or revoked refresh token [X10]
const NO_AUTH_HEADER = 'Missing valid authorization header'; // [X9][X10]

const FAILURES: TokenFailureShapes = {
  invalidGrant: (grantType) => oauthError(400, 'invalid_request', grantType === 'authorization_code' ? BAD_CODE : BAD_TOKEN),
  rateLimited: (retryAfterSec, nowMs) =>
    json({ errors: [{ code: 88, message: 'Rate limit exceeded' }] }, 429, {
      'retry-after': String(retryAfterSec),
      'x-rate-limit-limit': '1',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(Math.ceil(nowMs / 1000) + retryAfterSec), // [X6]
    }),
  serverError: () => json({ title: 'Internal Server Error', type: 'about:blank', status: 500, detail: 'Internal Server Error' }, 500),
};

/** Confidential clients must authenticate with HTTP Basic; a body secret is refused [X2][X3]. */
function authenticate(req: SimRequest, form: URLSearchParams): { ok: true; clientId: string } | { ok: false; error: string } {
  const basic = basicCredentials(req.headers);
  if (!basic || basic === 'malformed') return { ok: false, error: 'unauthorized_client' };
  const bodyClientId = param(form, 'client_id');
  if (bodyClientId !== undefined && bodyClientId !== basic.clientId) return { ok: false, error: 'unauthorized_client' };
  const check = checkClient(req.provider, basic.clientId, basic.clientSecret);
  if (check === 'unknown_client') return { ok: false, error: 'invalid_client' };
  return check === 'ok' ? { ok: true, clientId: basic.clientId } : { ok: false, error: 'unauthorized_client' };
}

async function token(req: SimRequest): Promise<Response> {
  const form = await req.form();
  const grantType = param(form, 'grant_type') ?? 'missing';
  const injected = await injectedFailure(req, grantType, FAILURES);
  if (injected) return injected;
  const fail = (status: number, error: string, description: string) => {
    req.tokenCall = { grantType, outcome: error };
    return oauthError(status, error, description);
  };
  const missing = (name: string) => fail(400, 'invalid_request', `Missing required parameter [${name}].`);

  const client = authenticate(req, form);
  if (!client.ok) return fail(401, client.error, NO_AUTH_HEADER);
  const { state } = req;
  const issue = (grant: Grant) => {
    const access = issueAccessToken(state, grant, state.knobs.x.accessTokenTtlSec);
    // A refresh token only with offline.access [X1]; it rotates on every use [X3].
    const refresh = grant.scopes.includes('offline.access') ? { refresh_token: issueRefreshToken(state, grant).token } : {};
    req.tokenCall = { grantType, outcome: 'ok' };
    return json({ token_type: 'bearer', expires_in: state.knobs.x.accessTokenTtlSec, access_token: access.token, scope: grant.scopes.join(' '), ...refresh });
  };

  if (grantType === 'authorization_code') {
    const value = param(form, 'code');
    if (!value) return missing('code');
    const redirectUri = param(form, 'redirect_uri');
    if (!redirectUri) return missing('redirect_uri');
    const verifier = param(form, 'code_verifier');
    if (!verifier) return missing('code_verifier');
    const found = findCode(state, req.provider, value, client.clientId, redirectUri);
    if (!found.ok) return fail(400, 'invalid_request', BAD_CODE);
    const { code } = found;
    if (!code.codeChallenge || !verifyPkce(code.codeChallenge, code.codeChallengeMethod ?? 'plain', verifier)) {
      return fail(400, 'invalid_request', BAD_CODE);
    }
    markCodeUsed(state, code);
    // One live grant per (app, user): the new authorization ends the previous one [X3].
    for (const old of liveGrantsOf(state, req.provider, code.clientId, code.personaId)) revokeGrant(state, old, 'superseded', 'superseded');
    return issue(grantForCode(state, code));
  }

  if (grantType === 'refresh_token') {
    const value = param(form, 'refresh_token');
    if (!value) return missing('refresh_token');
    const found = lookupRefreshToken(state, req.provider, value);
    if (!found.ok || found.grant.clientId !== client.clientId) return fail(400, 'invalid_request', BAD_TOKEN);
    found.record.spentAt = state.now(); // single use [X3]
    found.grant.refreshCount += 1;
    return issue(found.grant);
  }
  return fail(400, 'invalid_request', 'Value passed for the grant type was invalid. Grant type should be one of [authorization_code, refresh_token].');
}

/** `/2/oauth2/revoke` [X2]: a refresh token ends the grant, an access token only itself (RFC 7009). */
async function revoke(req: SimRequest): Promise<Response> {
  const form = await req.form();
  const client = authenticate(req, form);
  if (!client.ok) return oauthError(401, client.error, NO_AUTH_HEADER);
  const value = param(form, 'token');
  if (!value) return oauthError(400, 'invalid_request', 'Missing required parameter [token].');
  const refresh = lookupRefreshToken(req.state, req.provider, value);
  if (refresh.ok && refresh.grant.clientId === client.clientId) revokeGrant(req.state, refresh.grant, 'revoked_by_app', 'endpoint');
  const access = lookupAccessToken(req.state, req.provider, value);
  if (access.ok && access.grant.clientId === client.clientId) {
    access.record.revoked = true;
    recordRevocations(req.state.stats, req.provider, 'endpoint');
  }
  return json({ revoked: true });
}

/** `/2/users/me` [X7]: Problem JSON on failure; needs tweet.read and users.read. */
function usersMe(req: SimRequest): Response {
  const problem = (status: number, title: string) => json({ title, type: 'about:blank', status, detail: title }, status);
  const found = lookupAccessToken(req.state, req.provider, bearerToken(req.headers));
  if (!found.ok) return problem(401, 'Unauthorized');
  const persona = findXPersona(found.grant.personaId);
  if (!persona || !['tweet.read', 'users.read'].every((s) => found.grant.scopes.includes(s))) return problem(403, 'Forbidden');
  const resetSec = Math.ceil(req.state.now() / 1000) + 900;
  return json(
    { data: { id: persona.userId, name: persona.name, username: persona.username } },
    200,
    { 'x-rate-limit-limit': '75', 'x-rate-limit-remaining': '74', 'x-rate-limit-reset': String(resetSec) }, // [X6]
  );
}

const API = ['api.x.com', 'api.twitter.com'];

export const X_ROUTES: Route[] = [
  { methods: ['GET', 'POST'], hosts: ['x.com', 'twitter.com'], path: /^\/i\/oauth2\/authorize$/, handle: (r) => handleConsent(r, CONSENT) },
  { methods: ['POST'], hosts: API, path: /^\/2\/oauth2\/token$/, handle: token },
  { methods: ['POST'], hosts: API, path: /^\/2\/oauth2\/revoke$/, handle: revoke },
  { methods: ['GET'], hosts: API, path: /^\/2\/users\/me$/, handle: usersMe },
];
