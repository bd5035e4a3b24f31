import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorOfPageWith, openListPage, readConnectionOverview, readConnectionPage, type ConnectionPageQuery } from '@/lib/connections/page';
import { asUser } from '@/lib/db';
import { listConnectionPage } from '@/lib/db/connection-pages';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';

/**
 * The connection list a page at a time (lib/db/connection-pages.ts): every row once, in one total
 * order, forwards and backwards, however many rows tie on provider, name and creation time; scoped
 * to the user by the query and, underneath, by row-level security.
 */
describe.each(DRIVERS)('connection pages on %s', (driver) => {
  let t: TestDatabase;
  const ids = { other: [] as string[] };

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_a');
    await insertUser(t.db, 'user_b');
    // One statement: every row has the same created_at, and 20 share one display name per provider
    // (ties the keyset must break by id); some have no name, some are revoked, some removed from the list.
    await t.db.query(
      `insert into connections (user_id, provider, external_account_id, display_name, status, expires_at, hidden_at, refresh_token_enc)
       select 'user_a', (array['x', 'linkedin', 'meta'])[g % 3 + 1], 'acct-' || g,
              case when g <= 20 then 'same' when g % 7 = 0 then null else 'name-' || lpad(g::text, 3, '0') end,
              case when g % 11 = 0 then 'revoked' when g % 13 = 0 then 'needs_reauth' when g % 17 = 0 then 'error' else 'active' end,
              now() + interval '50 days', case when g % 22 = 0 then now() end, 'enc'
         from generate_series(1, 67) g`,
    );
    ids.other = (
      await t.db.query<{ id: string }>(
        `insert into connections (user_id, provider, external_account_id, display_name, expires_at)
         select 'user_b', 'x', 'b-' || g, 'same', now() + interval '1 hour' from generate_series(1, 5) g returning id`,
      )
    ).map((r) => r.id);
  });
  afterAll(() => t.dispose());

  const all = async (q: Omit<ConnectionPageQuery, 'limit' | 'cursor'> = {}) => (await readConnectionPage(t.db, 'user_a', { ...q, limit: 500 })).connections.map((c) => c.id);

  /** Follows next_cursor from the first page to the last. */
  async function walk(limit: number, q: Omit<ConnectionPageQuery, 'limit' | 'cursor'> = {}) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    let prev: string | null = null;
    do {
      const page = await readConnectionPage(t.db, 'user_a', { ...q, limit, cursor });
      expect(page.prevCursor === null, `page ${pages.length + 1} has a previous page`).toBe(pages.length === 0);
      pages.push(page.connections.map((c) => c.id));
      prev = page.prevCursor;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { pages, lastPrev: prev };
  }

  it('pages forwards hold every row once, in the one order, however many rows tie', async () => {
    const everything = await all();
    expect(everything).toHaveLength(67);
    const { pages } = await walk(7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 7, 4]);
    expect(pages.flat()).toEqual(everything);
    // A page of exactly the rest has no next page.
    const { pages: exact } = await walk(67);
    expect(exact).toEqual([everything]);
  });

  it('the order is the dashboard’s: provider, live before revoked, name (none first), then id', async () => {
    const rows = (await readConnectionPage(t.db, 'user_a', { limit: 500 })).connections;
    const key = (c: (typeof rows)[number]) => [c.provider, c.status === 'revoked' ? 1 : 0, c.account.name ?? '', c.id] as const;
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [key(rows[i - 1]!), key(rows[i]!)];
      const cmp = a[0].localeCompare(b[0]) || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0) || (a[3] < b[3] ? -1 : 1);
      expect(cmp, `${JSON.stringify(a)} before ${JSON.stringify(b)}`).toBeLessThan(0);
    }
  });

  it('prev_cursor walks back through the same pages', async () => {
    const { pages } = await walk(10);
    let page = await readConnectionPage(t.db, 'user_a', { limit: 10 });
    while (page.nextCursor) page = await readConnectionPage(t.db, 'user_a', { limit: 10, cursor: page.nextCursor });
    const back: string[][] = [page.connections.map((c) => c.id)];
    while (page.prevCursor) {
      page = await readConnectionPage(t.db, 'user_a', { limit: 10, cursor: page.prevCursor });
      back.unshift(page.connections.map((c) => c.id));
      // Going back, there is always a next page: the one we came from.
      expect(page.nextCursor).not.toBeNull();
    }
    expect(back).toEqual(pages);
    expect(page.cursor, 'the first page reached backwards opens as the first page').toBeNull();
  });

  it('filters by provider, status and listed, and pages within the filter', async () => {
    const everything = (await readConnectionPage(t.db, 'user_a', { limit: 500 })).connections;
    const linkedin = (await walk(4, { provider: 'linkedin' })).pages.flat();
    expect(linkedin).toEqual(everything.filter((c) => c.provider === 'linkedin').map((c) => c.id));
    const failing = (await walk(2, { status: 'needs_reauth' })).pages.flat();
    expect(failing).toEqual(everything.filter((c) => c.status === 'needs_reauth').map((c) => c.id));
    expect(failing.length).toBeGreaterThan(2);
    const listed = (await walk(9, { listedOnly: true })).pages.flat();
    expect(listed).toEqual(everything.filter((c) => c.hiddenAt === null).map((c) => c.id));
    expect(listed.length).toBe(67 - 3);
  });

  it('another user’s rows and cursors give nothing away; row-level security holds without the user filter', async () => {
    expect(await all()).not.toEqual(expect.arrayContaining([ids.other[0]]));
    const bPage = await readConnectionPage(t.db, 'user_b', { limit: 2 });
    expect(bPage.connections.map((c) => c.id).every((id) => ids.other.includes(id))).toBe(true);
    // user_b's cursor, presented by user_a: its row is invisible, so the page is empty.
    expect((await readConnectionPage(t.db, 'user_a', { limit: 10, cursor: bPage.nextCursor! })).connections).toEqual([]);
    // The query asks for user_a's rows while the session is user_b's: RLS returns none of them.
    expect(await asUser(t.db, 'user_b', (tx) => listConnectionPage(tx, { userId: 'user_a', limit: 10 }))).toEqual([]);
    expect(await cursorOfPageWith(t.db, 'user_b', (await all())[30]!, { limit: 10 })).toBeNull();
  });

  it('after a connect, the page holding the connection opens, and it is the page Next reaches', async () => {
    const { pages } = await walk(10, { listedOnly: true });
    for (const [pageIndex, index] of [[0, 0], [0, 9], [1, 10], [3, 35], [6, 63]] as const) {
      const id = pages.flat()[index]!;
      const page = await openListPage(t.db, 'user_a', { limit: 10, connection: id, listedOnly: true });
      expect(page.connections.map((c) => c.id), `row ${index}`).toEqual(pages[pageIndex]);
      expect(page.cursor === null, `row ${index} is on the first page`).toBe(pageIndex === 0);
    }
    // A removed connection is not in the listed pages: the first page opens.
    const hidden = (await readConnectionPage(t.db, 'user_a', { limit: 500 })).connections.find((c) => c.hiddenAt)!;
    expect((await openListPage(t.db, 'user_a', { limit: 10, connection: hidden.id, listedOnly: true })).connections.map((c) => c.id)).toEqual(pages[0]);
    // A cursor that is not ours opens the first page too.
    expect((await openListPage(t.db, 'user_a', { limit: 10, cursor: 'bm90LWEtY3Vyc29y', listedOnly: true })).connections.map((c) => c.id)).toEqual(pages[0]);
  });

  it('the summary counts the whole list and puts reconnect, then failing, then ending soon first', async () => {
    const everything = (await readConnectionPage(t.db, 'user_a', { limit: 500 })).connections;
    // One live connection without a refresh token ends in three days: it is ending soon.
    await t.db.query(`update connections set refresh_token_enc = null, expires_at = now() + interval '3 days' where id = $1`, [
      everything.find((c) => c.status === 'active')!.id,
    ]);
    const o = await readConnectionOverview(t.db, 'user_a');
    const listed = everything.filter((c) => !c.hiddenAt);
    expect(o.total).toBe(67);
    expect(o.removed).toBe(3);
    for (const s of ['active', 'needs_reauth', 'error', 'revoked'] as const) expect(o.byStatus[s], s).toBe(listed.filter((c) => c.status === s).length);
    expect(o.byProvider.reduce((n, p) => n + p.count, 0)).toBe(64);
    expect(o.attention.map((c) => c.health)).toEqual([
      ...listed.filter((c) => c.status === 'needs_reauth').map(() => 'needs_reauth'),
      ...listed.filter((c) => c.status === 'error').map(() => 'error'),
      'expiring_soon',
    ]);
    expect(o.attentionMore).toBe(false);
    expect((await readConnectionOverview(t.db, 'user_b')).total).toBe(5);
  });
});
