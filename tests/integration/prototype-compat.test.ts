import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '@/lib/db';
import { buildOpenApiDocument } from '@/lib/openapi/document';
import { encryptToken } from '@/lib/tokens/keys';
import { DELETE as disconnectRoute } from '@/app/api/v1/oauth/[provider]/disconnect/route';
import { POST as refreshRoute } from '@/app/api/v1/oauth/[provider]/refresh/route';
import { GET as accountsRoute } from '@/app/api/v1/users/me/accounts/route';
import { GET as meRoute } from '@/app/api/v1/users/me/route';
import { createResponseValidator } from '../../e2e/support/openapi-validator';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertLiveConnection, insertUser } from '../support/fixtures';
import { signedInAs, useDatabase } from '../support/route-session';
import { getProcessSimulatorState } from '@/lib/simulator/process-state';
import { seedGrant } from '@/lib/simulator/seed';

/**
 * The Python prototype's routes (POST /oauth/{platform}/refresh, DELETE /oauth/{platform}/disconnect,
 * GET /users/me[/accounts]) run on our lib functions, accept the prototype's platform names, and
 * answer exactly what the OpenAPI document says.
 */

vi.mock('@/lib/auth/session', async (importOriginal) => (await import('../support/route-session')).withMockedSessionUser(importOriginal));

const documented = createResponseValidator(buildOpenApiDocument() as never);
const params = <T>(value: T) => ({ params: Promise.resolve(value) });
const ORIGIN = 'http://localhost:3000';
let seq = 0;

/** An X grant the app's own simulator (the one the routes call) knows, stored as a live connection. */
async function connectX(db: Database, userId: string, opts: { refreshTokenEnc?: string } = {}) {
  const personaId = `compat-x-${process.pid}-${++seq}`;
  const tokens = seedGrant(getProcessSimulatorState(), 'x', { personaId, scopes: ['tweet.read', 'users.read', 'offline.access'] });
  const id = await insertLiveConnection(db, {
    userId,
    provider: 'x',
    externalAccountId: personaId,
    accessTokenEnc: encryptToken(tokens.accessToken),
    refreshTokenEnc: opts.refreshTokenEnc ?? encryptToken(tokens.refreshToken),
    expiresInSec: 3600,
  });
  return { id, accessToken: tokens.accessToken };
}
const refreshCalls = () => Object.values(getProcessSimulatorState().stats.x.tokenCalls.refresh_token ?? {}).reduce((n, c) => n + c, 0);

/** Calls a route and checks its answer against the OpenAPI document. */
async function call(
  route: (req: NextRequest, ctx: never) => Promise<Response>,
  method: string,
  path: string,
  routeParams: Record<string, string> = {},
) {
  const res = await route(new NextRequest(`${ORIGIN}${path}`, { method, headers: { 'x-request-id': 'compat-test' } }), params(routeParams) as never);
  const body = await res.text();
  expect(documented({ method, path, status: res.status, contentType: res.headers.get('content-type'), body })).toEqual([]);
  return { status: res.status, body: body ? JSON.parse(body) : null };
}

describe.each(DRIVERS)("the prototype's routes on %s", (driver) => {
  let t: TestDatabase;
  const status = async (id: string) =>
    (await t.db.query<{ status: string; access_token_enc: string | null }>('select status, access_token_enc from connections where id = $1', [id]))[0]!;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    for (const u of ['alice', 'bob']) await insertUser(t.db, u);
    useDatabase(t.db);
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t.dispose();
  });

  it('refreshes every live connection of the platform, and only the signed-in user’s', async () => {
    const a = await connectX(t.db, 'alice');
    const b = await connectX(t.db, 'alice');
    const bobs = await connectX(t.db, 'bob');
    const revoked = await connectX(t.db, 'alice');
    await t.db.query(`update connections set status = 'revoked' where id = $1`, [revoked.id]);
    signedInAs('alice');
    const before = refreshCalls();

    const res = await call(refreshRoute, 'POST', '/api/v1/oauth/x/refresh', { provider: 'x' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ provider: 'x', ok: true });
    expect(res.body.results.map((r: { connectionId: string }) => r.connectionId).sort()).toEqual([a.id, b.id].sort());
    expect(res.body.results.every((r: { kind: string }) => r.kind === 'refreshed')).toBe(true);
    expect(refreshCalls() - before).toBe(2);
    expect(JSON.stringify(res.body)).not.toContain(a.accessToken);
    expect(res.body.results.map((r: { connectionId: string }) => r.connectionId)).not.toContain(bobs.id);
  });

  it('refreshes one connection with ?connection=, and refuses another user’s or another platform’s', async () => {
    const mine = await connectX(t.db, 'alice');
    const bobs = await connectX(t.db, 'bob');
    signedInAs('alice');
    const one = await call(refreshRoute, 'POST', `/api/v1/oauth/x/refresh?connection=${mine.id}`, { provider: 'x' });
    expect(one.status).toBe(200);
    expect(one.body.results).toHaveLength(1);
    expect(one.body.results[0].connectionId).toBe(mine.id);

    expect((await call(refreshRoute, 'POST', `/api/v1/oauth/x/refresh?connection=${bobs.id}`, { provider: 'x' })).status).toBe(404);
    expect((await call(refreshRoute, 'POST', `/api/v1/oauth/linkedin/refresh?connection=${mine.id}`, { provider: 'linkedin' })).status).toBe(404);
    expect((await call(refreshRoute, 'POST', '/api/v1/oauth/x/refresh?connection=nope', { provider: 'x' })).status).toBe(400);
    expect((await call(refreshRoute, 'POST', '/api/v1/oauth/myspace/refresh', { provider: 'myspace' })).body.error.code).toBe('not_found');
  });

  it('answers 409 when a connection could not be refreshed, saying why', async () => {
    const dead = await connectX(t.db, 'alice', { refreshTokenEnc: encryptToken('not-a-refresh-token-the-provider-knows') });
    signedInAs('alice');
    const res = await call(refreshRoute, 'POST', `/api/v1/oauth/x/refresh?connection=${dead.id}`, { provider: 'x' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ ok: false, results: [{ connectionId: dead.id, ok: false, kind: 'needs_reauth' }] });
  });

  it('disconnects by the prototype’s platform name ("amazon" is amazon-ads): tokens erased, then nothing left to disconnect', async () => {
    const tokens = { accessTokenEnc: encryptToken('amazon-access'), refreshTokenEnc: encryptToken('amazon-refresh') };
    const first = await insertConnection(t.db, { userId: 'alice', provider: 'amazon-ads', ...tokens });
    const second = await insertConnection(t.db, { userId: 'alice', provider: 'amazon-ads', ...tokens });
    const bobs = await insertConnection(t.db, { userId: 'bob', provider: 'amazon-ads', ...tokens });
    signedInAs('alice');
    const res = await call(disconnectRoute, 'DELETE', '/api/v1/oauth/amazon/disconnect', { provider: 'amazon' });
    expect(res.status).toBe(200);
    expect(res.body.provider).toBe('amazon-ads');
    expect(res.body.results.map((r: { connectionId: string }) => r.connectionId).sort()).toEqual([first, second].sort());
    for (const id of [first, second]) expect(await status(id)).toEqual({ status: 'revoked', access_token_enc: null });
    expect((await status(bobs)).status).toBe('active');
    expect((await call(disconnectRoute, 'DELETE', '/api/v1/oauth/amazon-ads/disconnect', { provider: 'amazon-ads' })).status).toBe(404);
  });

  it('answers 404 for an unknown platform and 400 for a malformed ?connection=, on both routes', async () => {
    signedInAs('alice');
    for (const [route, method, verb] of [[refreshRoute, 'POST', 'refresh'], [disconnectRoute, 'DELETE', 'disconnect']] as const) {
      const unknown = await call(route, method, `/api/v1/oauth/tiktok/${verb}`, { provider: 'tiktok' });
      expect(unknown).toEqual({ status: 404, body: { error: expect.objectContaining({ code: 'not_found', message: 'Unknown platform.', requestId: 'compat-test' }) } });
      const malformed = await call(route, method, `/api/v1/oauth/x/${verb}?connection=nope`, { provider: 'x' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatchObject({ code: 'bad_request', requestId: 'compat-test' });
    }
  });

  it('needs a signed-in user', async () => {
    signedInAs(null);
    expect((await call(refreshRoute, 'POST', '/api/v1/oauth/x/refresh', { provider: 'x' })).status).toBe(401);
    expect((await call(disconnectRoute, 'DELETE', '/api/v1/oauth/x/disconnect', { provider: 'x' })).status).toBe(401);
    expect((await call(meRoute, 'GET', '/api/v1/users/me')).status).toBe(401);
    expect((await call(accountsRoute, 'GET', '/api/v1/users/me/accounts')).status).toBe(401);
  });

  it('serves the user and their live accounts, never a token', async () => {
    const live = await connectX(t.db, 'alice');
    const gone = await connectX(t.db, 'alice');
    await t.db.query(`update connections set status = 'revoked' where id = $1`, [gone.id]);
    signedInAs('alice');
    const me = await call(meRoute, 'GET', '/api/v1/users/me');
    expect(me).toMatchObject({ status: 200, body: { id: 'alice', authMode: 'local', email: null } });
    const accounts = await call(accountsRoute, 'GET', '/api/v1/users/me/accounts');
    expect(accounts.status).toBe(200);
    const ids = accounts.body.accounts.map((c: { id: string }) => c.id);
    expect(ids).toContain(live.id);
    expect(ids).not.toContain(gone.id);
    expect(accounts.body.accounts.every((c: { status: string }) => c.status !== 'revoked')).toBe(true);
    expect(JSON.stringify(accounts.body)).not.toMatch(/token_enc|access_token|refresh_token/);
    expect(JSON.stringify(accounts.body)).not.toContain(live.accessToken);
  });
});
