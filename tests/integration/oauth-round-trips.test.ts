import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { asUser, type Database, type Sql } from '@/lib/db';
import { parseEnv } from '@/lib/env';
import { simulateConsent } from '@/lib/simulator/consent-driver';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { createSimulatorState } from '@/lib/simulator/state';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';

/**
 * Issue 12 (auth endpoints < 200 ms): every wait on the database is a round trip the person's
 * redirect stands behind. A statement issued while another is still on its way travels with it
 * (postgres.js pipelines; the wire probe of `npm run bench -- --oauth-only` shows the writes), so
 * what is counted here is the waits: a statement issued while none is outstanding, plus BEGIN and
 * COMMIT per transaction.
 */
function countingWaits(db: Database): { db: Database; waits: () => number } {
  let waits = 0;
  let outstanding = 0;
  const track = <R>(run: () => Promise<R>): Promise<R> => {
    if (outstanding === 0) waits += 1;
    outstanding += 1;
    return run().finally(() => (outstanding -= 1));
  };
  const wrap = (sql: Sql): Sql => ({
    query: (text, params) => track(() => sql.query(text, params)),
    exec: (script) => track(() => sql.exec(script)),
  });
  const counted: Database = {
    ...wrap(db),
    driver: db.driver,
    transaction: (fn) => ((waits += 2), db.transaction((tx) => fn(wrap(tx)))),
    close: () => db.close(),
  };
  return { db: counted, waits: () => waits };
}

const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });

describe.each(DRIVERS)('OAuth flow round trips on %s', (driver) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'alice');
  });
  afterAll(() => t.dispose());

  it('asUser sends its RLS claims with the first statement, and that statement runs under them', async () => {
    const { db, waits } = countingWaits(t.db);
    const rows = await asUser(db, 'alice', (tx) => tx.query<{ role: string; sub: string }>(`select current_user as role, auth.jwt() ->> 'sub' as sub`));
    expect(rows).toEqual([{ role: 'authenticated', sub: 'alice' }]);
    // BEGIN, set_config + the select, COMMIT (set_config waited alone before: 4).
    expect(waits()).toBe(3);
  });

  it('asUser still runs statements in the order issued and rolls everything back when one fails', async () => {
    const failed = await asUser(t.db, 'alice', async (tx) => {
      const first = tx.query(`insert into audit_events (user_id, actor, action, outcome) values ('alice', 'user', 'test.pipelined', 'info')`);
      const second = tx.query('select 1/0');
      await Promise.all([first, second]);
    }).then(
      () => false,
      () => true,
    );
    expect(failed).toBe(true);
    expect(await t.db.query(`select 1 from audit_events where action = 'test.pipelined'`)).toEqual([]);
  });

  it('authorize waits on the database three times (BEGIN, the state with its audit row, COMMIT), the callback four', async () => {
    const sim = createSimulatorState();
    const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    const { db, waits } = countingWaits(t.db);
    const url = await startAuthorization({ db, env, userId: 'alice', provider: 'linkedin', origin: ORIGIN, returnPath: '/', fetch: fetchSim });
    // Before: BEGIN, set_config, the state, the audit row, COMMIT.
    expect(waits()).toBe(3);
    const [state] = await t.db.query<{ n: number }>(`select count(*)::int as n from oauth_states where user_id = 'alice' and provider = 'linkedin'`);
    expect(state!.n).toBe(1);
    const [audit] = await t.db.query<{ action: string }>(`select action from audit_events where user_id = 'alice' order by id desc limit 1`);
    expect(audit!.action).toBe('oauth.authorize');

    // The callback: the state consumed, BEGIN, set_config + the upsert writing its audit row, COMMIT
    // (the audit row waited on its own before: 5).
    const redirect = await simulateConsent(fetchSim, url, { personaId: 'linkedin-maya' });
    const counted = countingWaits(t.db);
    const result = await completeAuthorization({
      db: counted.db,
      env,
      provider: 'linkedin',
      sessionUserId: 'alice',
      query: redirect.searchParams,
      origin: ORIGIN,
      fetch: fetchSim,
    });
    expect(result.outcome).toBe('connected');
    expect(counted.waits()).toBe(4);
    const [connected] = await t.db.query<{ action: string; outcome: string; connection_id: string; actor: string; detail: Record<string, unknown> }>(
      `select action, outcome, connection_id, actor, detail from audit_events where user_id = 'alice' order by id desc limit 1`,
    );
    expect(connected).toMatchObject({ action: 'connection.connected', outcome: 'success', connection_id: result.connectionId, actor: 'user' });
    expect(connected!.detail).toMatchObject({ provider: 'linkedin', hasRefreshToken: true, simulated: true });

    // Connecting the same account again updates the row, and its audit row says so.
    const again = await simulateConsent(fetchSim, await startAuthorization({ db: t.db, env, userId: 'alice', provider: 'linkedin', origin: ORIGIN, returnPath: '/', fetch: fetchSim }), { personaId: 'linkedin-maya' });
    const second = await completeAuthorization({ db: t.db, env, provider: 'linkedin', sessionUserId: 'alice', query: again.searchParams, origin: ORIGIN, fetch: fetchSim });
    expect(second.connectionId).toBe(result.connectionId);
    const [reconnected] = await t.db.query<{ action: string; connection_id: string }>(
      `select action, connection_id from audit_events where user_id = 'alice' order by id desc limit 1`,
    );
    expect(reconnected).toEqual({ action: 'connection.reconnected', connection_id: result.connectionId });
  });
});
