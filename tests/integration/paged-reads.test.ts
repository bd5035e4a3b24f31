import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNTS_UNPAGED_CAP } from '@/lib/api-schemas/compat';
import { readTokenApiChoices, TOKEN_CHOICES_SHOWN } from '@/lib/connections/token-choices';
import { describeSyncStatus } from '@/lib/insights/status';
import { buildOpenApiDocument } from '@/lib/openapi/document';
import { GET as syncStatusRoute } from '@/app/api/v1/analytics/sync-status/route';
import { GET as connectionRoute } from '@/app/api/v1/connections/[id]/route';
import { GET as statusRoute } from '@/app/api/v1/oauth/status/route';
import { GET as accountsRoute } from '@/app/api/v1/users/me/accounts/route';
import { fetchConnection } from '@/components/dashboard/queries';
import { createResponseValidator } from '../../e2e/support/openapi-validator';
import { insertConnectionSeries, insertSyncTargetsForAll } from '../support/connection-series';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { signedInAs, useDatabase } from '../support/route-session';

/**
 * The reads that used to take the whole connection list, at more connections than one page holds
 * (130, the status API's page is 100): sync status pages by cursor, the prototype's accounts page
 * when asked (and are capped when not), a connection's page reads its one connection however far
 * down the list it is, and /settings reads one page. Every answer is checked against the OpenAPI document.
 */

vi.mock('@/lib/auth/session', async (importOriginal) => (await import('../support/route-session')).withMockedSessionUser(importOriginal));

const documented = createResponseValidator(buildOpenApiDocument() as never);
const ORIGIN = 'http://localhost:3000';
const CONNECTIONS = 130;

type Route = (req: NextRequest, ctx: never) => Promise<Response>;

/** Calls a route as the signed-in user and checks its answer against the OpenAPI document. */
async function call(route: Route, path: string, params: Record<string, string> = {}) {
  const res = await route(new NextRequest(`${ORIGIN}${path}`, { headers: { 'x-request-id': 'paged-reads' } }), { params: Promise.resolve(params) } as never);
  const body = await res.text();
  expect(documented({ method: 'GET', path, status: res.status, contentType: res.headers.get('content-type'), body })).toEqual([]);
  return { status: res.status, body: JSON.parse(body) };
}

/** Follows `next_cursor` from the first page; every page but the last is full. */
async function walk<T>(route: Route, path: string, field: string, limit: number): Promise<{ pages: T[][]; bodies: Record<string, unknown>[] }> {
  const pages: T[][] = [];
  const bodies: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res = await call(route, `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body[field]);
    bodies.push(res.body);
    cursor = res.body.next_cursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return { pages, bodies };
}

describe.each(DRIVERS)('paged reads on %s', (driver) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    for (const u of ['user_a', 'user_b', 'user_c']) await insertUser(t.db, u);
    // One statement: same created_at for all, shared names (ties), unnamed ones, every tenth revoked.
    await insertConnectionSeries(t.db, {
      userId: 'user_a',
      count: CONNECTIONS,
      prefix: 'acct-',
      name: (g) => (g <= 30 ? 'same' : g % 7 === 0 ? null : `name-${String(g).padStart(3, '0')}`),
      revokedEvery: 10,
      withRefreshToken: true,
    });
    await insertConnectionSeries(t.db, { userId: 'user_b', count: 3, prefix: 'b-', provider: 'x', name: () => 'same' });
    // Two ad accounts per connection (revoked ones too: their targets are never listed), names tying and missing.
    await insertSyncTargetsForAll(t.db, 2, (account, n) => (n === 1 ? 'Brand' : account.endsWith('3') ? null : account));
    useDatabase(t.db);
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t.dispose();
  });
  afterEach(() => vi.unstubAllGlobals());

  describe('GET /api/v1/analytics/sync-status', () => {
    it('pages by cursor: 100 unless asked, every live target once, in the unpaged order, and back again', async () => {
      signedInAs('user_a');
      const everything = (await describeSyncStatus(t.db, { userId: 'user_a' })).targets.map((x) => x.id);
      const live = CONNECTIONS - CONNECTIONS / 10;
      expect(everything).toHaveLength(live * 2);
      expect(new Set(everything).size).toBe(everything.length);

      const first = await call(syncStatusRoute, '/api/v1/analytics/sync-status');
      expect(first.body.targets).toHaveLength(100);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      expect(first.body.prev_cursor).toBeNull();

      const { pages, bodies } = await walk<{ id: string; connectionId: string }>(syncStatusRoute, '/api/v1/analytics/sync-status', 'targets', 40);
      expect(pages.map((p) => p.length)).toEqual([40, 40, 40, 40, 40, live * 2 - 200]);
      expect(pages.flat().map((x) => x.id)).toEqual(everything);
      for (const body of bodies) expect(body.last7Days).toEqual([]);

      // prev_cursor walks back over the same pages.
      let back = bodies[bodies.length - 1]!.prev_cursor as string | null;
      for (let i = pages.length - 2; i >= 0; i--) {
        const res = await call(syncStatusRoute, `/api/v1/analytics/sync-status?limit=40&cursor=${back}`);
        expect(res.body.targets.map((x: { id: string }) => x.id)).toEqual(pages[i]!.map((x) => x.id));
        back = res.body.prev_cursor;
      }
      expect(back).toBeNull();
    });

    it('a page joins each target’s latest run, and is scoped to the user', async () => {
      signedInAs('user_a');
      const { pages } = await walk<{ id: string; connectionId: string; lastRun: { id: string } | null }>(syncStatusRoute, '/api/v1/analytics/sync-status', 'targets', 100);
      const late = pages[2]![10]!;
      const [run] = await t.db.query<{ id: string }>(
        `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, state, window_from, window_to, days_total, finished_at)
         select user_id, id, connection_id, provider, 'manual', 'succeeded', '2026-11-01', '2026-11-02', 2, now() from insight_sync_targets where id = $1 returning id`,
        [late.id],
      );
      const again = await walk<{ id: string; lastRun: { id: string } | null }>(syncStatusRoute, '/api/v1/analytics/sync-status', 'targets', 100);
      expect(again.pages[2]![10]).toMatchObject({ id: late.id, lastRun: { id: run!.id } });
      expect(again.bodies[0]!.last7Days).toEqual([{ provider: expect.any(String), succeeded: 1, failed: 0 }]);

      signedInAs('user_b');
      const bobs = await call(syncStatusRoute, '/api/v1/analytics/sync-status');
      expect(bobs.body.targets).toHaveLength(6);
      expect(bobs.body.next_cursor).toBeNull();
      // A cursor naming one of user_a's targets leads user_b nowhere near user_a's rows.
      const foreign = await call(syncStatusRoute, `/api/v1/analytics/sync-status?cursor=${again.bodies[0]!.next_cursor}`);
      expect(foreign).toMatchObject({ status: 200, body: { targets: [], next_cursor: null } });
    });

    it('refuses a cursor it did not give out and a limit out of range', async () => {
      signedInAs('user_a');
      for (const q of ['cursor=nope', 'limit=0', 'limit=501', 'limit=ten']) {
        const res = await call(syncStatusRoute, `/api/v1/analytics/sync-status?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
      }
    });
  });

  describe('GET /api/v1/users/me/accounts (the prototype’s)', () => {
    const live = CONNECTIONS - CONNECTIONS / 10;

    it('without limit answers every live account in the prototype’s shape, no next_cursor', async () => {
      signedInAs('user_a');
      const res = await call(accountsRoute, '/api/v1/users/me/accounts');
      expect(Object.keys(res.body)).toEqual(['accounts']);
      expect(res.body.accounts).toHaveLength(live);
      expect(res.body.accounts.every((c: { status: string }) => c.status !== 'revoked')).toBe(true);
    });

    it('with limit pages by cursor through the same accounts, next_cursor null on the last page', async () => {
      signedInAs('user_a');
      const whole = (await call(accountsRoute, '/api/v1/users/me/accounts')).body.accounts.map((c: { id: string }) => c.id);
      const { pages, bodies } = await walk<{ id: string }>(accountsRoute, '/api/v1/users/me/accounts', 'accounts', 50);
      expect(pages.map((p) => p.length)).toEqual([50, 50, live - 100]);
      expect(pages.flat().map((c) => c.id)).toEqual(whole);
      expect(bodies[bodies.length - 1]).toHaveProperty('next_cursor', null);
      expect((await call(accountsRoute, '/api/v1/users/me/accounts?cursor=nope')).status).toBe(400);
    });

    it(`without limit stops at ${ACCOUNTS_UNPAGED_CAP} and says where to read on`, async () => {
      await t.db.query(
        `insert into connections (user_id, provider, external_account_id, display_name, expires_at)
         select 'user_c', 'linkedin', 'c-' || g, 'n-' || lpad(g::text, 5, '0'), now() + interval '1 day' from generate_series(1, $1::int) g`,
        [ACCOUNTS_UNPAGED_CAP + 5],
      );
      signedInAs('user_c');
      const capped = await call(accountsRoute, '/api/v1/users/me/accounts');
      expect(capped.body.accounts).toHaveLength(ACCOUNTS_UNPAGED_CAP);
      expect(capped.body.next_cursor).toEqual(expect.any(String));
      const rest = await call(accountsRoute, `/api/v1/users/me/accounts?cursor=${capped.body.next_cursor}`);
      expect(rest.body.accounts.map((c: { account: { id: string } }) => c.account.id)).toEqual(['c-1001', 'c-1002', 'c-1003', 'c-1004', 'c-1005']);
      expect(rest.body.next_cursor).toBeNull();
    });
  });

  describe('a connection’s page', () => {
    it('reads and polls its connection by id: the 101st and later are served, and their changes seen', async () => {
      signedInAs('user_a');
      const firstPage = (await call(statusRoute, '/api/v1/oauth/status')).body.connections.map((c: { id: string }) => c.id);
      expect(firstPage).toHaveLength(100);
      const [{ ids }] = (await t.db.query<{ ids: string[] }>(`select array_agg(id) as ids from connections where user_id = 'user_a'`)) as [{ ids: string[] }];
      const beyond = ids.filter((id) => !firstPage.includes(id));
      expect(beyond).toHaveLength(CONNECTIONS - 100);

      // The page's poller, through the route it calls.
      vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
        connectionRoute(new NextRequest(`${ORIGIN}${url}`, init as never), { params: Promise.resolve({ id: url.split('/').pop()! }) }),
      );
      for (const id of beyond) expect((await fetchConnection(id)).id).toBe(id);

      const target = beyond[beyond.length - 1]!;
      await t.db.query(`update connections set status = 'needs_reauth', last_error_code = 'invalid_grant', updated_at = now() where id = $1`, [target]);
      expect(await fetchConnection(target)).toMatchObject({ id: target, status: 'needs_reauth', health: 'needs_reauth', lastError: { code: 'invalid_grant' } });

      const served = await call(connectionRoute, `/api/v1/connections/${target}`, { id: target });
      expect(served).toMatchObject({ status: 200, body: { id: target, status: 'needs_reauth' } });
      expect(JSON.stringify(served.body)).not.toMatch(/token_enc|"enc"/);
    });

    it('answers 404 for another user’s connection, an unknown one and a malformed id alike', async () => {
      const [bobs] = await t.db.query<{ id: string }>(`select id from connections where user_id = 'user_b' limit 1`);
      signedInAs('user_a');
      for (const id of [bobs!.id, crypto.randomUUID(), 'nope']) {
        const res = await call(connectionRoute, `/api/v1/connections/${id}`, { id });
        expect(res, id).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'No such connection.' } } });
      }
    });
  });

  describe('/settings', () => {
    it(`offers the first ${TOKEN_CHOICES_SHOWN} live connections for the token line, and says there are more`, async () => {
      const choices = await readTokenApiChoices(t.db, 'user_a');
      signedInAs('user_a');
      const accounts = (await call(accountsRoute, '/api/v1/users/me/accounts')).body.accounts.map((c: { id: string }) => c.id);
      expect(choices.connections.map((c) => c.id)).toEqual(accounts.slice(0, TOKEN_CHOICES_SHOWN));
      expect(choices.more).toBe(true);
      expect(choices.connections.every((c) => c.status !== 'revoked')).toBe(true);

      const few = await readTokenApiChoices(t.db, 'user_b');
      expect(few.connections).toHaveLength(3);
      expect(few.more).toBe(false);
    });
  });
});
