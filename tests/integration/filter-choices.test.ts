import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '@/lib/db';
import { listConnectionChoices } from '@/lib/db/filter-choices';
import { readInsightsFilterChoices } from '@/lib/insights/filter-choices';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';

/**
 * The filter selects of /audit and /insights at 600 connections: what they read is bounded (the
 * first connections, the accounts with figures, the platforms), never the whole list.
 */

const CONNECTIONS = 600;

describe.each(DRIVERS)('filter choices on %s', (driver) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    for (const u of ['user_a', 'user_b']) await insertUser(t.db, u);
    await t.db.query(
      `insert into connections (user_id, provider, external_account_id, display_name, status, expires_at)
       select 'user_a', (array['x', 'linkedin', 'meta'])[g % 3 + 1], 'acct-' || g, 'name-' || lpad(g::text, 4, '0'),
              case when g % 50 = 0 then 'revoked' else 'active' end, now() + interval '50 days'
         from generate_series(1, ${CONNECTIONS}) g`,
    );
    await t.db.query(`insert into connections (user_id, provider, external_account_id, display_name, expires_at) values ('user_b', 'amazon-ads', 'b-1', 'B', now())`);
    // One ad account per connection; figures for every account of every second connection, some long ago.
    await t.db.query(
      `insert into insight_sync_targets (user_id, connection_id, provider, account_id, account_name, currency)
       select user_id, id, provider, external_account_id || '-ads', 'Ads ' || external_account_id, 'EUR' from connections`,
    );
    await t.db.query(
      `insert into insight_daily_metrics (user_id, provider, connection_id, account_id, campaign_id, day, impressions)
       select t.user_id, t.provider, t.connection_id, t.account_id, 'c1',
              case when substring(t.account_id from 6 for 1) = '9' then date '2020-01-01' else date '2026-11-30' end, 10
         from insight_sync_targets t join connections c on c.id = t.connection_id
        where c.external_account_id ~ '[02468]$'`,
    );
  });
  afterAll(() => t.dispose());

  it('audit: the first 100 connections in the dashboard’s order, the chosen one however far down, and that there are more', async () => {
    const read = (include?: string) => asUser(t.db, 'user_a', (tx) => listConnectionChoices(tx, { userId: 'user_a', limit: 100, include }));
    const first = await read();
    expect(first.rows).toHaveLength(100);
    expect(first.more).toBe(true);
    // Provider first (linkedin < meta < x), then live before revoked, then name.
    expect(first.rows.every((r) => r.provider === 'linkedin')).toBe(true);
    const names = first.rows.map((r) => r.display_name!);
    expect(names).toEqual([...names].sort());

    const [far] = await t.db.query<{ id: string }>(`select id from connections where user_id = 'user_a' and external_account_id = 'acct-600'`);
    const chosen = await read(far!.id);
    expect(chosen.rows).toHaveLength(101);
    expect(chosen.rows[0]).toMatchObject({ id: far!.id, status: 'revoked' });
    // A chosen one already listed is not listed twice; another user's id adds nothing.
    expect((await read(first.rows[5]!.id)).rows).toHaveLength(100);
    const [bobs] = await t.db.query<{ id: string }>(`select id from connections where user_id = 'user_b'`);
    expect((await read(bobs!.id)).rows).toHaveLength(100);

    const all = await asUser(t.db, 'user_b', (tx) => listConnectionChoices(tx, { userId: 'user_b', limit: 100 }));
    expect(all).toMatchObject({ rows: [{ id: bobs!.id }], more: false });
  });

  it('insights: the platforms synced, the first accounts with figures in range, and the page’s flags', async () => {
    const choices = await readInsightsFilterChoices(t.db, { userId: 'user_a', since: '2023-01-01', limit: 200 });
    expect(choices.providers).toEqual(['linkedin', 'meta', 'x']);
    expect(choices.accounts).toHaveLength(200);
    expect(choices.moreAccounts).toBe(true);
    expect(choices).toMatchObject({ hasConnections: true, syncing: false });
    // Only accounts with figures since `since`, of live connections.
    const withData = await t.db.query<{ account_id: string }>(
      `select distinct m.account_id from insight_daily_metrics m join connections c on c.id = m.connection_id
        where m.user_id = 'user_a' and m.day >= '2023-01-01' and c.status <> 'revoked'`,
    );
    const inRange = new Set(withData.map((r) => r.account_id));
    expect(inRange.size).toBeGreaterThan(200);
    for (const a of choices.accounts) expect(inRange.has(a.account_id), a.account_id).toBe(true);
    expect(choices.accounts[0]).toMatchObject({ provider: 'linkedin', currency: 'EUR', account_name: expect.stringMatching(/^Ads /) });

    // All of them fit under a bigger limit: then there are no more.
    const every = await readInsightsFilterChoices(t.db, { userId: 'user_a', since: '2023-01-01', limit: 1000 });
    expect(every.accounts).toHaveLength(inRange.size);
    expect(every.moreAccounts).toBe(false);
    // Since long ago, the old figures count too.
    expect((await readInsightsFilterChoices(t.db, { userId: 'user_a', since: '2019-01-01', limit: 1000 })).accounts.length).toBeGreaterThan(inRange.size);

    const bob = await readInsightsFilterChoices(t.db, { userId: 'user_b', since: '2023-01-01', limit: 200 });
    expect(bob).toEqual({ providers: ['amazon-ads'], accounts: [], moreAccounts: false, hasConnections: true, syncing: false });
  });
});
