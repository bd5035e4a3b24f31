import { checkClient } from './client-auth';
import { handleConsent, type ConsentSpec } from './consent';
import { injectedFailure, oauthError, type TokenFailureShapes } from './failures';
import { findCode, grantForCode, issueAccessToken, issueRefreshToken, lookupAccessToken, lookupRefreshToken, markCodeUsed } from './grants';
import { basicCredentials, bearerToken, json, param, type Route, type SimRequest } from './http';
import type { AmazonRegion } from './personas';
import { findAmazonPersona } from './persona-lookup';
import { verifyPkce } from './pkce';

/** Amazon Ads via Login with Amazon (providers.md §1). */

const CONSENT: ConsentSpec = {
  brand: { name: 'Amazon', headerBackground: '#131921', headerText: '#ffffff', accent: '#ffd814', accentText: '#0f1111', denyLabel: 'Cancel' },
  scopeSeparator: ' ', // [AZ10]
  knownScopes: [
    'advertising::campaign_management',
    'advertising::audiences',
    'advertising::test:create_account',
    'cpc_advertising:campaign_management',
    'profile',
    'profile:user_id',
    'postal_code',
  ],
  invalidScopeError: 'invalid_scope',
  codeLifetimeSec: 300, // 5 minutes [AZ1]
  pkce: 'optional', // S256 or plain, plain by default [AZ10]
  denial: { error: 'access_denied', error_description: 'The user denied the request.' },
  approvalExtras: (code) => ({ scope: code.scopes.join(' ') }), // [AZ1]
};

const BAD_CODE = 'The request has an invalid grant parameter : code'; // [AZ18]
const DEAD_REFRESH = "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission."; // [AZ18]

const FAILURES: TokenFailureShapes = {
  invalidGrant: (grantType) => oauthError(400, 'invalid_grant', grantType === 'authorization_code' ? BAD_CODE : DEAD_REFRESH),
  rateLimited: (retryAfterSec) => oauthError(429, 'too_many_requests', 'Rate exceeded', { 'retry-after': String(retryAfterSec) }),
  serverError: () => oauthError(500, 'server_error', 'The server encountered an internal error.'),
};

async function token(req: SimRequest): Promise<Response> {
  const form = await req.form();
  const grantType = param(form, 'grant_type') ?? 'missing';
  const injected = await injectedFailure(req, grantType, FAILURES);
  if (injected) return injected;
  const fail = (status: number, error: string, description: string) => {
    req.tokenCall = { grantType, outcome: error };
    return oauthError(status, error, description);
  };

  // Body credentials per the Ads docs [AZ2]; LWA accepts Basic too [AZ10].
  const basic = basicCredentials(req.headers);
  if (basic === 'malformed') return fail(401, 'invalid_client', 'Client authentication failed');
  const clientId = basic?.clientId ?? param(form, 'client_id');
  if (grantType === 'missing') return fail(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
  if (checkClient(req.provider, clientId, basic?.clientSecret ?? param(form, 'client_secret')) !== 'ok' || !clientId) {
    return fail(401, 'invalid_client', 'Client authentication failed'); // [AZ18]
  }
  const { knobs } = req.state;
  const ttl = knobs['amazon-ads'].accessTokenTtlSec;
  const expiresIn = knobs['amazon-ads'].expiresInAsString ? String(ttl) : ttl; // [AZ14]

  if (grantType === 'authorization_code') {
    const value = param(form, 'code');
    if (!value) return fail(400, 'invalid_request', 'The request is missing a required parameter : code');
    const found = findCode(req.state, req.provider, value, clientId, param(form, 'redirect_uri'));
    if (!found.ok) {
      const which = found.reason === 'wrong_redirect' ? 'redirect_uri' : 'code';
      return fail(400, 'invalid_grant', `The request has an invalid grant parameter : ${which}`);
    }
    const code = found.code;
    if (code.codeChallenge && !verifyPkce(code.codeChallenge, code.codeChallengeMethod ?? 'plain', param(form, 'code_verifier'))) {
      return fail(400, 'invalid_grant', 'The request has an invalid grant parameter : code_verifier');
    }
    markCodeUsed(req.state, code);
    const grant = grantForCode(req.state, code);
    const access = issueAccessToken(req.state, grant, ttl);
    grant.refreshToken = issueRefreshToken(req.state, grant).token;
    req.tokenCall = { grantType, outcome: 'ok' };
    return json({ access_token: access.token, refresh_token: grant.refreshToken, token_type: 'bearer', expires_in: expiresIn });
  }

  if (grantType === 'refresh_token') {
    const value = param(form, 'refresh_token');
    if (!value) return fail(400, 'invalid_request', 'The request is missing a required parameter : refresh_token');
    const found = lookupRefreshToken(req.state, req.provider, value);
    if (!found.ok || found.grant.clientId !== clientId) return fail(400, 'invalid_grant', DEAD_REFRESH);
    const { grant } = found;
    grant.refreshCount += 1;
    const access = issueAccessToken(req.state, grant, ttl);
    // The same refresh token comes back, or none [AZ2][AZ16]; `alternate` omits it on odd refreshes.
    const mode = knobs['amazon-ads'].refreshTokenOnRefresh;
    const include = mode === 'same' || (mode === 'alternate' && grant.refreshCount % 2 === 0);
    req.tokenCall = { grantType, outcome: 'ok' };
    return json({
      access_token: access.token,
      ...(include ? { refresh_token: found.record.token } : {}),
      token_type: 'bearer',
      expires_in: expiresIn,
    });
  }
  return fail(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
}

const INVALID_TOKEN = 'The access token provided is expired, revoked, malformed, or invalid for other reasons.';

/** LWA customer profile [AZ12]: needs the `profile` (or `profile:user_id`) scope. */
function userProfile(req: SimRequest): Response {
  const found = lookupAccessToken(req.state, req.provider, bearerToken(req.headers));
  if (!found.ok) return oauthError(401, 'invalid_token', INVALID_TOKEN);
  const persona = findAmazonPersona(found.grant.personaId);
  const scopes = found.grant.scopes;
  if (!persona || !(scopes.includes('profile') || scopes.includes('profile:user_id'))) {
    return oauthError(403, 'insufficient_scope', 'The access token provided does not have access to the profile scope.');
  }
  if (!scopes.includes('profile')) return json({ user_id: persona.userId });
  return json({ user_id: persona.userId, name: persona.name, email: persona.email });
}

const ADS_HOST_REGION: Record<string, AmazonRegion> = {
  'advertising-api.amazon.com': 'na',
  'advertising-api-eu.amazon.com': 'eu',
  'advertising-api-fe.amazon.com': 'fe',
};

/** `GET /v2/profiles`: only this host's region [AZ5]; the approved client id header is required [AZ4]. */
function profiles(req: SimRequest): Response {
  const unauthorized = (details: string) => json({ code: 'UNAUTHORIZED', details }, 401);
  const found = lookupAccessToken(req.state, req.provider, bearerToken(req.headers));
  if (!found.ok) return unauthorized('HTTP 401 Unauthorized');
  if (req.headers.get('amazon-advertising-api-clientid') !== found.grant.clientId) {
    return unauthorized('Amazon-Advertising-API-ClientId header is missing or does not match the access token');
  }
  if (!found.grant.scopes.some((s) => s.includes('advertising'))) return unauthorized('Not authorized to access scope');
  const region = ADS_HOST_REGION[req.host];
  const types = param(req.query, 'profileTypeFilter')?.split(',');
  const persona = findAmazonPersona(found.grant.personaId);
  const list = (persona?.profiles ?? [])
    .filter((p) => p.region === region && (!types || types.includes(p.accountInfo.type)))
    .map((p) => ({ profileId: p.profileId, countryCode: p.countryCode, currencyCode: p.currencyCode, dailyBudget: p.dailyBudget, timezone: p.timezone, accountInfo: p.accountInfo }));
  return json(list);
}

/** LWA token introspection used by clients [AZ19]. */
function tokenInfo(req: SimRequest): Response {
  const found = lookupAccessToken(req.state, req.provider, param(req.query, 'access_token') ?? bearerToken(req.headers));
  if (!found.ok) return oauthError(400, 'invalid_token', INVALID_TOKEN);
  const persona = findAmazonPersona(found.grant.personaId);
  const expiresAt = found.record.expiresAt ?? req.state.now();
  return json({
    iss: 'https://www.amazon.com',
    user_id: persona?.userId,
    aud: found.grant.clientId,
    app_id: 'amzn1.application.simulated',
    exp: Math.floor((expiresAt - req.state.now()) / 1000),
    iat: Math.floor(found.record.issuedAt / 1000),
  });
}

export const AMAZON_ROUTES: Route[] = [
  { methods: ['GET', 'POST'], hosts: ['www.amazon.com', 'eu.account.amazon.com', 'apac.account.amazon.com'], path: /^\/ap\/oa$/, handle: (r) => handleConsent(r, CONSENT) },
  { methods: ['POST'], hosts: ['api.amazon.com', 'api.amazon.co.uk', 'api.amazon.co.jp'], path: /^\/auth\/o2\/token$/, handle: token },
  { methods: ['GET'], hosts: ['api.amazon.com', 'api.amazon.co.uk', 'api.amazon.co.jp'], path: /^\/auth\/o2\/tokeninfo$/, handle: tokenInfo },
  { methods: ['GET'], hosts: ['api.amazon.com'], path: /^\/user\/profile$/, handle: userProfile },
  { methods: ['GET'], hosts: Object.keys(ADS_HOST_REGION), path: /^\/v2\/profiles$/, handle: profiles },
];
