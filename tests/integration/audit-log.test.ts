import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '@/lib/db';
import { recordAuditEvent } from '@/lib/db/audit';
import { listAuditActions, listAuditLogForExport, listAuditLogPage, type AuditLogCursor, type AuditLogFilters } from '@/lib/db/audit-log';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';

/** The audit page's query: keyset pages over a user's events, filtered, scoped by RLS. */
describe.each(DRIVERS)('audit log pages on %s', (driver) => {
  let t: TestDatabase;
  let connA: string;
  let connB: string;

  const page = (userId: string, filters: AuditLogFilters, cursor: AuditLogCursor, limit = 4) =>
    asUser(t.db, userId, (tx) => listAuditLogPage(tx, { userId, filters, cursor, limit }));
  const ids = (p: { rows: { id: string }[] }) => p.rows.map((r) => Number(r.id));

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_a');
    await insertUser(t.db, 'user_b');
    connA = await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'acct-a' });
    connB = await insertConnection(t.db, { userId: 'user_b', externalAccountId: 'acct-b' });
    // Ten events for A, alternating between its connection and none, and a few for B in between.
    for (let i = 0; i < 10; i++) {
      await recordAuditEvent(t.db, {
        userId: 'user_a',
        connectionId: i % 2 === 0 ? connA : null,
        actor: 'user',
        action: i % 2 === 0 ? 'connection.connected' : 'oauth.authorize',
        outcome: i % 3 === 0 ? 'failure' : 'success',
        detail: { i },
      });
      if (i % 4 === 0) {
        await recordAuditEvent(t.db, { userId: 'user_b', connectionId: connB, actor: 'user', action: 'b.only', outcome: 'info' });
      }
    }
  });
  afterAll(() => t.dispose());

  it('pages newest first with Older and Newer, without gaps or overlaps', async () => {
    const first = await page('user_a', {}, null);
    expect(first.rows).toHaveLength(4);
    expect(first).toMatchObject({ hasNewer: false, hasOlder: true });
    expect(ids(first)).toEqual([...ids(first)].sort((a, b) => b - a));

    const second = await page('user_a', {}, { before: first.rows[3]!.id });
    const third = await page('user_a', {}, { before: second.rows[3]!.id });
    expect(second).toMatchObject({ hasNewer: true, hasOlder: true });
    expect(third).toMatchObject({ hasNewer: true, hasOlder: false });
    const all = [...ids(first), ...ids(second), ...ids(third)];
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
    expect(all).toEqual([...all].sort((a, b) => b - a));

    // Back towards newer: the same page as before, still newest first.
    const back = await page('user_a', {}, { after: third.rows[0]!.id });
    expect(ids(back)).toEqual(ids(second));
    expect(back).toMatchObject({ hasNewer: true, hasOlder: true });
    const top = await page('user_a', {}, { after: second.rows[0]!.id });
    expect(ids(top)).toEqual(ids(first));
    expect(top.hasNewer).toBe(false);
  });

  it('filters by connection, action and outcome, alone and together', async () => {
    const byConnection = await page('user_a', { connectionId: connA }, null, 50);
    expect(byConnection.rows).toHaveLength(5);
    expect(byConnection.rows.every((r) => r.connection_id === connA && r.connection_name === 'acct-a')).toBe(true);

    const byAction = await page('user_a', { action: 'oauth.authorize' }, null, 50);
    expect(byAction.rows.map((r) => r.detail.i)).toEqual([9, 7, 5, 3, 1]);
    expect(byAction.rows.every((r) => r.connection_id === null && r.connection_name === null)).toBe(true);

    const byOutcome = await page('user_a', { outcome: 'failure' }, null, 50);
    expect(byOutcome.rows.map((r) => r.detail.i)).toEqual([9, 6, 3, 0]);

    const together = await page('user_a', { connectionId: connA, outcome: 'failure' }, null, 50);
    expect(together.rows.map((r) => r.detail.i)).toEqual([6, 0]);

    // Paging keeps the filter: two pages of the five connection events.
    const p1 = await page('user_a', { action: 'connection.connected' }, null, 3);
    const p2 = await page('user_a', { action: 'connection.connected' }, { before: p1.rows[2]!.id }, 3);
    expect([...p1.rows, ...p2.rows].map((r) => r.detail.i)).toEqual([8, 6, 4, 2, 0]);
    expect(p2).toMatchObject({ hasNewer: true, hasOlder: false });
  });

  it('shows a user nothing of another user, not even when asked by connection id', async () => {
    const b = await page('user_b', {}, null, 50);
    expect(b.rows.map((r) => r.action)).toEqual(['b.only', 'b.only', 'b.only']);
    expect((await page('user_b', { connectionId: connA }, null, 50)).rows).toEqual([]);
    expect((await page('user_a', { connectionId: connB }, null, 50)).rows).toEqual([]);
    // RLS holds even if the query's own user filter named someone else.
    const sneaky = await asUser(t.db, 'user_b', (tx) => listAuditLogPage(tx, { userId: 'user_a', filters: {}, cursor: null, limit: 50 }));
    expect(sneaky.rows).toEqual([]);
    expect(await asUser(t.db, 'user_a', (tx) => listAuditActions(tx, { userId: 'user_a' }))).toEqual([
      'connection.connected',
      'oauth.authorize',
    ]);
  });

  it('an empty page past either end says so and offers no neighbours', async () => {
    const oldest = (await page('user_a', {}, { before: '1' })).rows;
    expect(oldest).toEqual([]);
    const future = await page('user_a', {}, { after: '999999' });
    expect(future).toEqual({ rows: [], hasNewer: false, hasOlder: false });
  });
});

/** The search and day filters: literal text (% _ \ and quotes are plain characters), whole UTC days. */
describe.each(DRIVERS)('audit log search and days on %s', (driver) => {
  let t: TestDatabase;
  const notes = (userId: string, filters: AuditLogFilters) =>
    asUser(t.db, userId, async (tx) => (await listAuditLogPage(tx, { userId, filters, cursor: null, limit: 50 })).rows.map((r) => r.detail.n));

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_s');
    await insertUser(t.db, 'user_t');
    const events: [string, string, Record<string, unknown>, string][] = [
      ['user_s', 'connection.connected', { n: 1, note: '50% off' }, '2026-03-01T23:59:59.999Z'],
      ['user_s', 'connection.connected', { n: 2, note: '500 off' }, '2026-03-02T00:00:00Z'],
      ['user_s', 'oauth.authorize', { n: 3, note: 'a_b' }, '2026-03-02T12:00:00Z'],
      ['user_s', 'oauth.authorize', { n: 4, note: 'axb' }, '2026-03-03T00:00:00Z'],
      ['user_s', 'token.refresh_failed', { n: 5, error: 'INVALID_GRANT', path: 'c:\\x' }, '2026-03-04T08:00:00Z'],
      ['user_t', 'connection.connected', { n: 6, note: '50% off' }, '2026-03-02T00:00:00Z'],
    ];
    // Inserted directly: recordAuditEvent stamps now(), and these need days of their own.
    for (const [userId, action, detail, at] of events) {
      await t.db.query(
        `insert into audit_events (user_id, actor, action, outcome, detail, created_at) values ($1, 'user', $2, 'info', $3::text::jsonb, $4)`,
        [userId, action, JSON.stringify(detail), at],
      );
    }
  });
  afterAll(() => t.dispose());

  it('searches the action and the detail, case-insensitively, with % and _ as literal characters', async () => {
    // Unescaped, '%' and '_' would match every event.
    expect(await notes('user_s', { search: '%' })).toEqual([1]);
    expect(await notes('user_s', { search: '0% off' })).toEqual([1]);
    expect(await notes('user_s', { search: 'a_b' })).toEqual([3]);
    expect(await notes('user_s', { search: '_' })).toEqual([5, 3]);
    expect(await notes('user_s', { search: '\\' })).toEqual([5]);
    // The action, and any case.
    expect(await notes('user_s', { search: 'Refresh_F' })).toEqual([5]);
    expect(await notes('user_s', { search: 'invalid_grant' })).toEqual([5]);
    expect(await notes('user_s', { search: 'authorize' })).toEqual([4, 3]);
    // Detail keys are text too.
    expect(await notes('user_s', { search: 'note' })).toEqual([4, 3, 2, 1]);
    // SQL in the term is text to match, nothing more.
    expect(await notes('user_s', { search: "x' or '1'='1" })).toEqual([]);
    expect(await notes('user_s', { search: "'; delete from audit_events; --" })).toEqual([]);
    expect(await notes('user_s', {})).toEqual([5, 4, 3, 2, 1]);
    // Another user's matching event stays out of reach.
    expect(await notes('user_t', { search: '%' })).toEqual([6]);
  });

  it('keeps whole UTC days from `from` through `to`, both included, alone and with the search', async () => {
    expect(await notes('user_s', { from: '2026-03-02' })).toEqual([5, 4, 3, 2]);
    expect(await notes('user_s', { to: '2026-03-02' })).toEqual([3, 2, 1]);
    expect(await notes('user_s', { from: '2026-03-02', to: '2026-03-02' })).toEqual([3, 2]);
    expect(await notes('user_s', { from: '2026-03-02', to: '2026-03-03', search: 'off' })).toEqual([2]);
    expect(await notes('user_s', { from: '2026-03-02', action: 'oauth.authorize' })).toEqual([4, 3]);
    expect(await notes('user_s', { from: '2026-03-05' })).toEqual([]);
    expect(await notes('user_s', { from: '2026-03-04', to: '2026-03-01' })).toEqual([]);
  });

  it('cuts days in the browser’s time zone when it sends one: UTC−8’s March 1 holds its evening, which UTC calls March 2', async () => {
    const la = { timeZone: 'America/Los_Angeles' };
    // March 1 in Los Angeles is 08:00 Mar 1 to 08:00 Mar 2 UTC: events 1 and 2 (16:00 and 16:00 local), not 3 (04:00 Mar 2 local).
    expect(await notes('user_s', { ...la, from: '2026-03-01', to: '2026-03-01' })).toEqual([2, 1]);
    expect(await notes('user_s', { ...la, from: '2026-03-03' })).toEqual([5]);
    expect(await notes('user_s', { ...la, to: '2026-03-02' })).toEqual([4, 3, 2, 1]);
    // East of UTC the day starts earlier: Tokyo's March 3 is 15:00 Mar 2 to 15:00 Mar 3 UTC.
    expect(await notes('user_s', { timeZone: 'Asia/Tokyo', from: '2026-03-03', to: '2026-03-03' })).toEqual([4]);
    // Without a zone the days stay UTC's.
    expect(await notes('user_s', { from: '2026-03-01', to: '2026-03-01' })).toEqual([1]);
  });

  it('pages through a search, and exports exactly the filtered events, bounded', async () => {
    const filters: AuditLogFilters = { search: 'o' };
    const first = await asUser(t.db, 'user_s', (tx) => listAuditLogPage(tx, { userId: 'user_s', filters, cursor: null, limit: 2 }));
    const second = await asUser(t.db, 'user_s', (tx) =>
      listAuditLogPage(tx, { userId: 'user_s', filters, cursor: { before: first.rows[1]!.id }, limit: 2 }),
    );
    expect(first.hasOlder).toBe(true);
    const paged = [...first.rows, ...second.rows].map((r) => r.detail.n);

    const all = await asUser(t.db, 'user_s', (tx) => listAuditLogForExport(tx, { userId: 'user_s', filters, limit: 100 }));
    expect(all.truncated).toBe(false);
    expect(all.rows.map((r) => r.detail.n)).toEqual(await notes('user_s', filters));
    expect(all.rows.map((r) => r.detail.n).slice(0, 4)).toEqual(paged);

    const capped = await asUser(t.db, 'user_s', (tx) => listAuditLogForExport(tx, { userId: 'user_s', filters: {}, limit: 3 }));
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.rows.map((r) => r.detail.n)).toEqual([5, 4, 3]);
    const exact = await asUser(t.db, 'user_s', (tx) => listAuditLogForExport(tx, { userId: 'user_s', filters: {}, limit: 5 }));
    expect(exact.truncated).toBe(false);
    // RLS: asked for another user's events, the export is empty.
    const sneaky = await asUser(t.db, 'user_t', (tx) => listAuditLogForExport(tx, { userId: 'user_s', filters: {}, limit: 100 }));
    expect(sneaky.rows).toEqual([]);
  });
});
