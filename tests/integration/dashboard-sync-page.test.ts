import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openListPage } from '@/lib/connections/page';
import type { Database, Sql } from '@/lib/db';
import { describeCardsSyncStatus } from '@/lib/insights/status';
import { buildOpenApiDocument } from '@/lib/openapi/document';
import { GET as syncStatusRoute } from '@/app/api/v1/analytics/sync-status/route';
import { DASHBOARD_PAGE_SIZE } from '@/components/dashboard/list-params';
import { summarizeConnectionSync } from '@/components/dashboard/sync-copy';
import { createResponseValidator } from '../../e2e/support/openapi-validator';
import { insertConnectionSeries, insertSyncTargetsForAll } from '../support/connection-series';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { signedInAs, useDatabase } from '../support/route-session';

/**
 * The dashboard's sync lines at 150 connections (five pages of cards, 300 ad accounts): the
 * server render and the poller read the targets of the page's connections only, and one summary
 * row, never the user's every target.
 */

vi.mock('@/lib/auth/session', async (importOriginal) => (await import('../support/route-session')).withMockedSessionUser(importOriginal));

const CONNECTIONS = 150;
const documented = createResponseValidator(buildOpenApiDocument() as never);

/** The database, with every statement run in a transaction and the rows it returned written down. */
function recording(db: Database) {
  const log: { text: string; rows: number }[] = [];
  const wrap = (sql: Sql): Sql => ({
    query: async <T extends object>(text: string, params?: readonly unknown[]) => {
      const rows = await sql.query<T>(text, params);
      log.push({ text, rows: rows.length });
      return rows;
    },
    exec: (script) => sql.exec(script),
  });
  const recorded: Database = { ...wrap(db), driver: db.driver, close: () => db.close(), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) };
  return { db: recorded, log };
}

describe.each(DRIVERS)('the dashboard’s sync status per page of cards on %s', (driver) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    for (const u of ['user_a', 'user_b']) await insertUser(t.db, u);
    await insertConnectionSeries(t.db, {
      userId: 'user_a',
      count: CONNECTIONS,
      prefix: 'acct-',
      name: (g) => `name-${String(g).padStart(3, '0')}`,
      revokedEvery: 25,
      withRefreshToken: true,
    });
    await insertConnectionSeries(t.db, { userId: 'user_b', count: 3, prefix: 'b-', provider: 'meta', name: () => 'name-b' });
    await insertSyncTargetsForAll(t.db, 2, (_, n) => `Ads ${n}`);
    // Every connection's first ad account synced; every fifth connection's second one failed (rate limited).
    await t.db.query(
      `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, state, window_from, window_to, days_total,
                                      finished_at, error_code, error_message)
       select t.user_id, t.id, t.connection_id, t.provider, 'scheduled', case when t.account_id like '%-1' then 'succeeded' else 'failed' end,
              '2026-11-01', '2026-11-02', 2, now() - interval '1 hour',
              case when t.account_id like '%-1' then null else 'rate_limited' end, case when t.account_id like '%-1' then null else 'slow down' end
         from insight_sync_targets t join connections c on c.id = t.connection_id
        where t.account_id like '%-1' or c.external_account_id ~ '^acct-[0-9]*[05]$'`,
    );
    await t.db.query(`update insight_sync_targets set last_success_at = now() - interval '1 hour' where account_id like '%-1'`);
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t.dispose();
  });

  /** The ids on the dashboard's second page of cards, as the page opens it (page one's next cursor). */
  async function secondPage() {
    const first = await openListPage(t.db, 'user_a', { limit: DASHBOARD_PAGE_SIZE, listedOnly: true });
    const second = await openListPage(t.db, 'user_a', { limit: DASHBOARD_PAGE_SIZE, listedOnly: true, cursor: first.nextCursor! });
    return second.connections;
  }

  it('the server render reads the page’s targets and one summary row, and every sync line is right', async () => {
    const cards = await secondPage();
    expect(cards).toHaveLength(DASHBOARD_PAGE_SIZE);
    const ids = cards.map((c) => c.id);
    const { db, log } = recording(t.db);

    const status = await describeCardsSyncStatus(db, { userId: 'user_a', connectionIds: ids });

    // Only this page's targets: two per live card (the page lists revoked ones, whose targets are never shown).
    const live = cards.filter((c) => c.status !== 'revoked');
    expect(new Set(status.targets.map((x) => x.connectionId))).toEqual(new Set(live.map((c) => c.id)));
    expect(status.targets).toHaveLength(live.length * 2);
    // The statements: the RLS claims, the page's targets, the summary. No statement returned more rows than the page holds.
    expect(log.map((l) => l.rows)).toEqual([1, live.length * 2, 1]);
    // The summary still counts all of the user's ad accounts and runs: 6 of 150 connections revoked.
    const liveTotal = CONNECTIONS - CONNECTIONS / 25;
    expect(status.targetCount).toBe(liveTotal * 2);
    const failedTotal = CONNECTIONS / 5;
    const ran = status.last7Days.reduce((sum, p) => ({ succeeded: sum.succeeded + p.succeeded, failed: sum.failed + p.failed }), { succeeded: 0, failed: 0 });
    expect(ran).toEqual({ succeeded: CONNECTIONS, failed: failedTotal });

    // Each card's line, as SyncLine draws it from the page's status.
    for (const c of live) {
      const line = summarizeConnectionSync(status.targets.filter((x) => x.connectionId === c.id));
      const failed = Number(c.account.id.slice(5)) % 5 === 0;
      expect(line, c.account.id).toMatchObject({ kind: 'idle', lastSuccessAt: expect.any(String), error: failed ? { code: 'rate_limited' } : null });
    }
  });

  it('an empty page reads no target, only the summary', async () => {
    const { db, log } = recording(t.db);
    const status = await describeCardsSyncStatus(db, { userId: 'user_a', connectionIds: [] });
    expect(status.targets).toEqual([]);
    expect(status.targetCount).toBe((CONNECTIONS - CONNECTIONS / 25) * 2);
    expect(log.map((l) => l.rows)).toEqual([1, 1]);
  });

  it('the poller’s API call (connection_id) answers the page’s targets only, documented, scoped to the user', async () => {
    useDatabase(t.db);
    const get = async (query: string) => {
      const path = '/api/v1/analytics/sync-status';
      const res = await syncStatusRoute(new NextRequest(`http://localhost:3000${path}?${query}`), { params: Promise.resolve({}) } as never);
      const body = await res.text();
      expect(documented({ method: 'GET', path, status: res.status, contentType: res.headers.get('content-type'), body })).toEqual([]);
      return { status: res.status, body: JSON.parse(body) };
    };
    signedInAs('user_a');
    const cards = await secondPage();
    const ids = cards.map((c) => c.id);
    const live = cards.filter((c) => c.status !== 'revoked');

    const page = await get(`limit=500&connection_id=${ids.join(',')}`);
    expect(page.status).toBe(200);
    expect(new Set(page.body.targets.map((x: { connectionId: string }) => x.connectionId))).toEqual(new Set(live.map((c) => c.id)));
    expect(page.body).toMatchObject({ next_cursor: null, targetCount: (CONNECTIONS - CONNECTIONS / 25) * 2 });

    const none = await get('connection_id=');
    expect(none.body).toMatchObject({ targets: [], next_cursor: null, targetCount: (CONNECTIONS - CONNECTIONS / 25) * 2 });

    // Another user naming user_a's connections gets none of their targets.
    signedInAs('user_b');
    const foreign = await get(`connection_id=${ids.join(',')}`);
    expect(foreign.body).toMatchObject({ targets: [], targetCount: 6 });

    // More ids than a page of cards, or a non-id, is refused rather than read.
    const tooMany = Array.from({ length: 101 }, () => ids[0]).join(',');
    expect((await get(`connection_id=${tooMany}`)).status).toBe(400);
    expect((await get('connection_id=nope')).status).toBe(400);
  });
});
