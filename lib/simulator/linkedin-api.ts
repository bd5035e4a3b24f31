import { lookupAccessToken, type AccessTokenLookup } from './grants';
import { bearerToken, json, param, type Route, type SimRequest } from './http';
import type { LinkedInPersona } from './personas';
import { findLinkedInPersona } from './persona-lookup';

/** LinkedIn identity and ad accounts (providers.md §2 "Identity after connect"). */

/** REST errors look like `{"message","serviceErrorCode","status"}` [LI10]. */
const restError = (status: number, message: string, serviceErrorCode = status) => json({ message, serviceErrorCode, status }, status);

type Authorized = { ok: true; persona: LinkedInPersona; scopes: string[] } | { ok: false; response: Response };

function authorize(req: SimRequest, resource: string, anyOf: string[]): Authorized {
  const token = bearerToken(req.headers);
  if (!token) return { ok: false, response: restError(401, 'Empty oauth2_access_token') };
  const found: AccessTokenLookup = lookupAccessToken(req.state, req.provider, token);
  if (!found.ok) {
    const [message, code] =
      found.reason === 'expired'
        ? ['The token used in the request has expired', 65601]
        : found.reason === 'revoked'
          ? ['The token used in the request has been revoked by the user', 65602]
          : ['Invalid access token', 65600];
    return { ok: false, response: restError(401, message, code) };
  }
  const persona = findLinkedInPersona(found.grant.personaId);
  if (!persona || !anyOf.some((s) => found.grant.scopes.includes(s))) {
    return { ok: false, response: restError(403, `Not enough permissions to access: ${resource}`, 100) };
  }
  return { ok: true, persona, scopes: found.grant.scopes };
}

/** `/rest/*` needs `LinkedIn-Version: YYYYMM` (no default) and Rest.li 2.0 [LI7][LI8]. */
function versionProblem(req: SimRequest): Response | undefined {
  const version = req.headers.get('linkedin-version');
  if (!version) {
    return json({ status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' }, 400);
  }
  if (!/^\d{6}(\.\d{2})?$/.test(version)) {
    return json({ status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${version} is not active` }, 426);
  }
  if (req.headers.get('x-restli-protocol-version') !== '2.0.0') {
    return restError(400, 'Rest.li protocol 2.0.0 is required: send X-Restli-Protocol-Version: 2.0.0');
  }
  return undefined;
}

function userInfo(req: SimRequest): Response {
  const auth = authorize(req, 'userinfo.GET.NO_VERSION', ['openid']);
  if (!auth.ok) return auth.response;
  const { persona: p, scopes } = auth;
  return json({
    sub: p.sub,
    ...(scopes.includes('profile')
      ? { name: `${p.givenName} ${p.familyName}`, given_name: p.givenName, family_name: p.familyName, picture: avatar(p), locale: 'en-US' }
      : {}),
    ...(scopes.includes('email') ? { email: p.email, email_verified: true } : {}),
  });
}

/** An inline picture: the offline demo must not reach a real CDN. */
function avatar(p: LinkedInPersona): string {
  const initials = `${p.givenName[0] ?? ''}${p.familyName[0] ?? ''}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="#0a66c2"/><text x="50" y="62" font-size="40" text-anchor="middle" fill="#fff" font-family="sans-serif">${initials}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

const paging = (total: number) => ({ start: 0, count: Math.max(total, 10), links: [], total });

function adAccountUsers(req: SimRequest): Response {
  const problem = versionProblem(req);
  if (problem) return problem;
  const auth = authorize(req, 'adAccountUsers.FINDER-authenticatedUser', ['r_ads', 'rw_ads']);
  if (!auth.ok) return auth.response;
  if (param(req.query, 'q') !== 'authenticatedUser') return restError(400, 'Invalid finder: q must be authenticatedUser');
  const elements = auth.persona.adAccounts.map((a) => ({
    account: `urn:li:sponsoredAccount:${a.id}`,
    role: a.role,
    user: `urn:li:person:${auth.persona.sub}`,
    changeAuditStamps: { created: { time: 1_700_000_000_000 }, lastModified: { time: 1_700_000_000_000 } },
  }));
  return json({ elements, paging: paging(elements.length) });
}

/** `q=search&search=(status:(values:List(ACTIVE)))`: only the status filter is understood. */
function adAccounts(req: SimRequest): Response {
  const problem = versionProblem(req);
  if (problem) return problem;
  const auth = authorize(req, 'adAccounts.FINDER-search', ['r_ads', 'rw_ads']);
  if (!auth.ok) return auth.response;
  if (param(req.query, 'q') !== 'search') return restError(400, 'Invalid finder: q must be search');
  const statuses = /status:\(values:List\(([^)]*)\)\)/.exec(param(req.query, 'search') ?? '')?.[1]?.split(',');
  const elements = auth.persona.adAccounts
    .map((a) => ({
      id: a.id,
      name: a.name,
      currency: a.currency,
      status: 'ACTIVE',
      type: 'BUSINESS',
      reference: `urn:li:organization:${a.organizationId}`,
      test: false,
      servingStatuses: ['RUNNABLE'],
    }))
    .filter((a) => !statuses || statuses.includes(a.status));
  return json({ elements, paging: paging(elements.length) });
}

const API = ['api.linkedin.com'];

export const LINKEDIN_API_ROUTES: Route[] = [
  { methods: ['GET'], hosts: API, path: /^\/v2\/userinfo$/, handle: userInfo },
  { methods: ['GET'], hosts: API, path: /^\/rest\/adAccountUsers$/, handle: adAccountUsers },
  { methods: ['GET'], hosts: API, path: /^\/rest\/adAccounts$/, handle: adAccounts },
];
