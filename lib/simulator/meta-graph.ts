import { createHmac } from 'node:crypto';
import { secretsEqual } from '../http/secrets';
import { checkClient } from './client-auth';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { issueAccessToken, lookupAccessToken, revokeGrant } from './grants';
import { bearerToken, json, param, type Route, type SimRequest } from './http';
import { deadTokenDetails, deadTokenError, graphError, throttledError } from './meta-errors';
import type { MetaPersona } from './personas';
import { findMetaPersona } from './persona-lookup';
import type { AccessTokenRecord, Grant } from './state';

/** The Graph calls a connect flow makes: /me, /me/accounts, /{page}, /me/adaccounts, permissions, debug_token. */

type Auth = { ok: true; record: AccessTokenRecord; grant: Grant; persona: MetaPersona } | { ok: false; response: Response };

async function authenticate(req: SimRequest): Promise<Auth> {
  const throttle = req.state.knobs.meta.graphThrottle;
  if (throttle) {
    req.state.knobs.meta.graphThrottle = throttle.count > 1 ? { ...throttle, count: throttle.count - 1 } : null;
    return { ok: false, response: throttledError(throttle.code) };
  }
  // Graph takes the token from the Authorization header (Bearer or OAuth) or the access_token parameter [M17].
  const form = await req.form();
  const token = bearerToken(req.headers) ?? param(req.query, 'access_token') ?? param(form, 'access_token');
  if (!token) return { ok: false, response: graphError(400, 'An active access token must be used to query information about the current user.', 2500) };
  const found = lookupAccessToken(req.state, req.provider, token);
  if (!found.ok) return { ok: false, response: deadTokenError(found, req.state.now()) };
  // A sent appsecret_proof must be HMAC-SHA256(app secret, token); "Require App Secret" makes it mandatory [M17].
  const proof = param(req.query, 'appsecret_proof') ?? param(form, 'appsecret_proof');
  if (proof === undefined && req.state.knobs.meta.requireAppSecretProof) {
    return { ok: false, response: graphError(400, 'API calls from the server require an appsecret_proof argument', 100, undefined, { type: 'GraphMethodException' }) };
  }
  if (proof !== undefined && !secretsEqual(proof, appSecretProof(token))) {
    return { ok: false, response: graphError(400, 'Invalid appsecret_proof provided in the API argument', 100, undefined, { type: 'GraphMethodException' }) };
  }
  const persona = findMetaPersona(found.grant.personaId);
  if (!persona) return { ok: false, response: graphError(400, 'Invalid OAuth access token - Cannot parse access token', 190) };
  return { ok: true, record: found.record, grant: found.grant, persona };
}

function appSecretProof(token: string): string {
  return createHmac('sha256', SIMULATOR_CREDENTIALS.meta.clientSecret).update(token).digest('hex');
}

/** Top-level names of `fields=a,b{c,d},e`; `fallback` when absent. */
function requestedFields(req: SimRequest, fallback: string[]): string[] {
  const raw = param(req.query, 'fields');
  if (!raw) return fallback;
  return raw.replace(/\{[^{}]*\}/g, '').split(',').map((f) => f.trim()).filter(Boolean);
}

/** The sub-fields asked of one field (`b{c,d}` gives c, d for b); Graph returns only `id` when none are. */
function requestedSubFields(req: SimRequest, field: string): string[] {
  const raw = param(req.query, 'fields') ?? '';
  const match = new RegExp(`(?:^|,)\\s*${field}\\{([^{}]*)\\}`).exec(raw);
  return match?.[1] ? match[1].split(',').map((f) => f.trim()).filter(Boolean) : ['id'];
}

/** Only the requested fields that exist; `id` is always present, as Graph does. */
function pick(fields: string[], values: Record<string, () => unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const value = values[f]?.();
    if (value !== undefined) out[f] = value;
  }
  out.id ??= values.id?.();
  return out;
}

const cursor = (n: number) => Buffer.from(`cursor:${n}`).toString('base64url');
const list = (data: unknown[]) => json({ data, paging: { cursors: { before: cursor(0), after: cursor(Math.max(data.length - 1, 0)) } } });
const notFound = (id: string) =>
  graphError(400, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 33, { type: 'GraphMethodException' });

/** A Page's token, handed out with the user token: non-expiring from a long-lived user token [M22], else as long as it. */
function pageToken(req: SimRequest, auth: Extract<Auth, { ok: true }>, pageId: string): string {
  for (const t of req.state.accessTokens.values()) if (t.parentToken === auth.record.token && t.pageId === pageId) return t.token;
  const ttl = auth.record.longLived || auth.record.expiresAt === null ? null : Math.max(1, Math.floor((auth.record.expiresAt - req.state.now()) / 1000));
  return issueAccessToken(req.state, auth.grant, ttl, { kind: 'page', pageId, parentToken: auth.record.token }).token;
}

function pageNode(req: SimRequest, auth: Extract<Auth, { ok: true }>, pageId: string, fields: string[]) {
  const page = auth.persona.pages.find((p) => p.id === pageId);
  if (!page) return undefined;
  const ig = auth.grant.scopes.includes('instagram_basic') && page.instagramBusinessAccountId;
  return pick(fields, {
    id: () => page.id,
    name: () => page.name,
    tasks: () => page.tasks,
    access_token: () => (auth.record.kind === 'user' ? pageToken(req, auth, page.id) : undefined),
    instagram_business_account: () =>
      ig ? pick(requestedSubFields(req, 'instagram_business_account'), { id: () => ig, username: () => page.instagramUsername }) : undefined,
  });
}

function adAccountNode(persona: MetaPersona, accountId: string, fields: string[]) {
  const a = persona.adAccounts.find((x) => x.accountId === accountId);
  if (!a) return undefined;
  return pick(fields, {
    id: () => `act_${a.accountId}`,
    account_id: () => a.accountId,
    name: () => a.name,
    currency: () => a.currency,
    account_status: () => a.accountStatus,
    timezone_name: () => a.timezoneName,
  });
}

const canReadAds = (grant: Grant) => grant.scopes.includes('ads_read') || grant.scopes.includes('ads_management');
const adsPermissionError = () => graphError(403, '(#200) Requires either ads_management or ads_read permission', 200);

async function node(req: SimRequest, match: RegExpMatchArray): Promise<Response> {
  const auth = await authenticate(req);
  if (!auth.ok) return auth.response;
  const id = match[1] ?? 'me';
  const { persona, record } = auth;
  if (record.kind === 'page') {
    const page = id === 'me' || id === record.pageId ? pageNode(req, auth, record.pageId ?? '', requestedFields(req, ['name', 'id'])) : undefined;
    return page ? json(page) : notFound(id);
  }
  if (id === 'me' || id === persona.userId) {
    return json(pick(requestedFields(req, ['name', 'id']), {
      id: () => persona.userId,
      name: () => persona.name,
    }));
  }
  if (id.startsWith('act_')) {
    if (!canReadAds(auth.grant)) return adsPermissionError();
    const account = adAccountNode(persona, id.slice(4), requestedFields(req, ['id']));
    return account ? json(account) : notFound(id);
  }
  const page = pageNode(req, auth, id, requestedFields(req, ['name', 'id']));
  return page ? json(page) : notFound(id);
}

async function accounts(req: SimRequest): Promise<Response> {
  const auth = await authenticate(req);
  if (!auth.ok) return auth.response;
  if (auth.record.kind === 'page') return graphError(400, '(#100) Tried accessing nonexisting field (accounts) on node type (Page)', 100);
  if (!auth.grant.scopes.includes('pages_show_list')) return list([]);
  const fields = requestedFields(req, ['access_token', 'name', 'id', 'tasks']);
  return list(auth.persona.pages.map((p) => pageNode(req, auth, p.id, fields)));
}

async function adAccounts(req: SimRequest): Promise<Response> {
  const auth = await authenticate(req);
  if (!auth.ok) return auth.response;
  if (!canReadAds(auth.grant)) return adsPermissionError();
  const fields = requestedFields(req, ['account_id', 'id']);
  return list(auth.persona.adAccounts.map((a) => adAccountNode(auth.persona, a.accountId, fields)));
}

/** GET lists permissions; DELETE removes one, or the whole app (then tokens answer 190/458) [M7]. */
async function permissions(req: SimRequest, match: RegExpMatchArray): Promise<Response> {
  const auth = await authenticate(req);
  if (!auth.ok) return auth.response;
  const [, who = 'me', permission] = match;
  if (who !== 'me' && who !== auth.persona.userId) return notFound(who);
  if (req.method === 'GET') return list(auth.grant.scopes.map((p) => ({ permission: p, status: 'granted' })));
  if (permission) auth.grant.scopes = auth.grant.scopes.filter((s) => s !== permission);
  else revokeGrant(req.state, auth.grant, 'revoked_by_app', 'endpoint');
  return json({ success: true });
}

const DATA_ACCESS_SEC = 90 * 86_400; // data access expires 90 days after consent (Meta's policy; not in providers.md)

/** `debug_token` with an app token `<app_id>|<app_secret>` [M6][M21]. */
function debugToken(req: SimRequest): Response {
  const [appId, appSecret] = (param(req.query, 'access_token') ?? bearerToken(req.headers) ?? '').split('|');
  if (checkClient(req.provider, appId, appSecret) !== 'ok') return graphError(400, 'Invalid OAuth access token signature.', 190);
  const input = param(req.query, 'input_token');
  if (!input) return graphError(400, '(#100) The parameter input_token is required', 100);
  const found = lookupAccessToken(req.state, req.provider, input);
  if (!found.ok && found.reason === 'unknown') {
    return json({ data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] } });
  }
  const { record, grant } = found;
  const persona = findMetaPersona(grant.personaId);
  const sec = (ms: number) => Math.floor(ms / 1000);
  const error = found.ok ? undefined : deadTokenDetails(found, req.state.now());
  return json({
    data: {
      app_id: grant.clientId,
      type: record.kind === 'page' ? 'PAGE' : 'USER',
      application: 'Grantkeeper (simulated)',
      data_access_expires_at: sec(grant.consentedAt) + DATA_ACCESS_SEC,
      expires_at: record.expiresAt === null ? 0 : sec(record.expiresAt),
      is_valid: found.ok,
      issued_at: sec(record.issuedAt),
      ...(record.pageId ? { profile_id: record.pageId } : {}),
      scopes: grant.scopes,
      user_id: persona?.userId,
      ...(error ? { error: { code: 190, message: error.message, subcode: error.subcode } } : {}),
    },
  });
}

const GRAPH = ['graph.facebook.com'];
const V = '(?:\\/v\\d+\\.\\d+)?';

export const META_GRAPH_ROUTES: Route[] = [
  { methods: ['GET'], hosts: GRAPH, path: new RegExp(`^${V}\\/debug_token$`), handle: debugToken },
  { methods: ['GET'], hosts: GRAPH, path: new RegExp(`^${V}\\/me\\/accounts$`), handle: accounts },
  { methods: ['GET'], hosts: GRAPH, path: new RegExp(`^${V}\\/me\\/adaccounts$`), handle: adAccounts },
  { methods: ['GET', 'DELETE'], hosts: GRAPH, path: new RegExp(`^${V}\\/(me|\\d+)\\/permissions(?:\\/([a-z_]+))?$`), handle: permissions },
  { methods: ['GET'], hosts: GRAPH, path: new RegExp(`^${V}\\/(me|\\d+|act_\\d+)$`), handle: node },
];
