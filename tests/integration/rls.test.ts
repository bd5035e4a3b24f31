import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '@/lib/db';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';
import { insertInsightRows } from '../support/insight-fixtures';

/**
 * Row Level Security is the second wall: these queries deliberately omit their user filter, and
 * must still see and touch only the caller's rows.
 */
describe.each(DRIVERS)('row level security on %s', (driver) => {
  let t: TestDatabase;
  let connB: string;
  let targetB: string;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_a');
    await insertUser(t.db, 'user_b');
    const connA = await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'a-1' });
    await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'a-2' });
    connB = await insertConnection(t.db, { userId: 'user_b', externalAccountId: 'b-1' });
    await insertInsightRows(t.db, { userId: 'user_a', connectionId: connA, accountId: 'acct-a' });
    targetB = (await insertInsightRows(t.db, { userId: 'user_b', connectionId: connB, accountId: 'acct-b' })).targetId;
    await t.db.query(
      `insert into audit_events (user_id, actor, action, outcome) values ('user_a', 'user', 'a.event', 'info'),
       ('user_b', 'user', 'b.event', 'info')`,
    );
  });
  afterAll(() => t.dispose());

  it('runs user work as role authenticated with the claims set', async () => {
    const [who] = await asUser(t.db, 'user_a', (tx) =>
      tx.query<{ role: string; sub: string }>(`select current_user as role, auth.jwt() ->> 'sub' as sub`),
    );
    expect(who).toEqual({ role: 'authenticated', sub: 'user_a' });
  });

  it('a query with no user filter sees only the caller’s rows', async () => {
    const rows = await asUser(t.db, 'user_a', (tx) =>
      tx.query<{ external_account_id: string }>('select external_account_id from connections order by 1'),
    );
    expect(rows.map((r) => r.external_account_id)).toEqual(['a-1', 'a-2']);

    const users = await asUser(t.db, 'user_a', (tx) => tx.query<{ id: string }>('select id from users'));
    expect(users).toEqual([{ id: 'user_a' }]);

    const events = await asUser(t.db, 'user_b', (tx) => tx.query<{ action: string }>('select action from audit_events'));
    expect(events).toEqual([{ action: 'b.event' }]);
  });

  it('hides another user’s sync targets, runs, campaigns and metrics', async () => {
    const seen = await asUser(t.db, 'user_a', async (tx) => ({
      targets: await tx.query<{ account_id: string }>('select account_id from insight_sync_targets'),
      runs: await tx.query<{ user_id: string }>('select user_id from insight_sync_runs'),
      campaigns: await tx.query<{ account_id: string }>('select account_id from insight_campaigns'),
      metrics: await tx.query<{ account_id: string }>('select account_id from insight_daily_metrics'),
    }));
    expect(seen).toEqual({
      targets: [{ account_id: 'acct-a' }],
      runs: [{ user_id: 'user_a' }],
      campaigns: [{ account_id: 'acct-a' }],
      metrics: [{ account_id: 'acct-a' }],
    });
  });

  it('cannot queue a run on another user’s target, nor write metrics at all', async () => {
    await expect(
      asUser(t.db, 'user_a', (tx) =>
        tx.query(
          `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, window_from, window_to, days_total)
           values ('user_b', $1, $2, 'x', 'manual', '2026-11-01', '2026-11-01', 1)`,
          [targetB, connB],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asUser(t.db, 'user_a', (tx) =>
        tx.query(
          `insert into insight_daily_metrics (user_id, provider, account_id, campaign_id, day) values ('user_a', 'x', 'acct-a', 'forged', '2026-11-03')`,
        ),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('cannot update or delete another user’s connection', async () => {
    const updated = await asUser(t.db, 'user_a', (tx) =>
      tx.query(`update connections set display_name = 'hijacked' where id = $1 returning id`, [connB]),
    );
    expect(updated).toEqual([]);
    const deleted = await asUser(t.db, 'user_a', (tx) =>
      tx.query('delete from connections where id = $1 returning id', [connB]),
    );
    expect(deleted).toEqual([]);

    const [row] = await t.db.query<{ display_name: string }>('select display_name from connections where id = $1', [connB]);
    expect(row?.display_name).toBe('b-1');
  });

  it('cannot move a row to another user or write rows for them', async () => {
    await expect(
      asUser(t.db, 'user_a', (tx) =>
        tx.query(`update connections set user_id = 'user_b' where external_account_id = 'a-1'`),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asUser(t.db, 'user_a', (tx) =>
        tx.query(
          `insert into connections (user_id, provider, external_account_id, expires_at) values ('user_b', 'x', 'forged', now())`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('cannot rewrite audit history', async () => {
    await expect(asUser(t.db, 'user_a', (tx) => tx.query(`update audit_events set action = 'x'`))).rejects.toThrow(
      /permission denied|append-only/,
    );
    await expect(asUser(t.db, 'user_a', (tx) => tx.query('delete from audit_events'))).rejects.toThrow(
      /permission denied|append-only/,
    );
  });

  it('claims do not leak past the transaction', async () => {
    await asUser(t.db, 'user_a', (tx) => tx.query('select 1'));
    const [after] = await t.db.query<{ role: string; claims: string | null }>(
      `select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`,
    );
    expect(after?.claims ?? null).toBeNull();
    expect(after?.role).not.toBe('authenticated');
  });
});
