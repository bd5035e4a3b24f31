import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { createAccountLister } from '@/lib/insights/account-lister';
import { refreshSyncTargets } from '@/lib/insights/targets';
import { createProviderResolver } from '@/lib/refresh/provider-resolver';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { revokeGrant } from '@/lib/simulator/grants';
import { LINKEDIN_PERSONAS } from '@/lib/simulator/personas';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';

/**
 * Once a day the sync targets follow the provider: the accounts fetcher is asked again, the
 * connection's metadata updated, a new ad account becomes a target, one no longer listed is
 * disabled with its runs and figures kept; when the provider cannot be asked nothing changes.
 */
const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
const maya = LINKEDIN_PERSONAS.find((p) => p.id === 'linkedin-maya')!;

describe('daily refresh of the sync targets from the provider', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await insertUser(t.db, 'alice');
    await insertUser(t.db, 'bob');
  });
  afterAll(() => t.dispose());

  const targets = (connectionId: string) =>
    t.db.query<{ account_id: string; account_name: string | null; enabled: boolean; skip_reason: string | null }>(
      `select account_id, account_name, enabled, skip_reason from insight_sync_targets where connection_id = $1 order by account_id`,
      [connectionId],
    );

  const setup = async (userId: string) => {
    const sim = createSimulatorState();
    const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    const tokens = seedGrant(sim, 'linkedin', { personaId: maya.id, scopes: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'] });
    // Connected when the member had 5123456 and an account since closed; 5123457 came later.
    const id = await insertLiveConnection(t.db, {
      userId,
      provider: 'linkedin',
      externalAccountId: maya.sub,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata: { adAccounts: [{ id: '5123456', name: 'Northwind Brand Awareness', currency: 'USD' }, { id: '5999999', name: 'Closed', currency: 'USD' }], keptKey: 'connect-only' },
    });
    const lister = createAccountLister({ db: t.db, env, origin: ORIGIN, fetch: fetchSim, resolveProvider: createProviderResolver(env, { origin: ORIGIN, fetch: fetchSim }) });
    const refresh = () => refreshSyncTargets(t.db, { listAccounts: lister });
    // The first derivation uses the metadata connect stored, without asking the provider.
    await refresh();
    expect((await targets(id)).map((r) => [r.account_id, r.enabled])).toEqual([['5123456', true], ['5999999', true]]);
    return { sim, id, refresh, tokens };
  };

  it('a day later: new account → new target, gone → disabled with its history kept, metadata updated', async () => {
    const { id, refresh } = await setup('alice');
    // The closed account has a run and figures from before.
    const [gone] = await t.db.query<{ id: string }>(`select id from insight_sync_targets where connection_id = $1 and account_id = '5999999'`, [id]);
    await t.db.query(
      `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, state, window_from, window_to, days_total)
       values ('alice', $1, $2, 'linkedin', 'scheduled', 'succeeded', '2026-01-01', '2026-01-30', 30)`,
      [gone!.id, id],
    );
    await t.db.query(
      `insert into insight_daily_metrics (user_id, provider, connection_id, account_id, campaign_id, day, impressions)
       values ('alice', 'linkedin', $1, '5999999', '1', '2026-01-01', 10)`,
      [id],
    );

    expect(await refresh()).toBe(0); // not a day old yet: nothing asked, nothing changed
    await t.db.query(`update connections set insight_targets_at = now() - interval '25 hours' where id = $1`, [id]);
    expect(await refresh()).toBe(1);

    expect(await targets(id)).toEqual([
      { account_id: '5123456', account_name: 'Northwind Brand Awareness', enabled: true, skip_reason: null },
      { account_id: '5123457', account_name: 'Northwind Lead Gen EMEA', enabled: true, skip_reason: null },
      { account_id: '5999999', account_name: 'Closed', enabled: false, skip_reason: 'no longer listed by the provider' },
    ]);
    const [conn] = await t.db.query<{ metadata: { adAccounts: { id: string }[]; keptKey?: string }; fresh: boolean }>(
      `select metadata, insight_targets_at > now() - interval '1 minute' as fresh from connections where id = $1`,
      [id],
    );
    expect(conn!.metadata.adAccounts.map((a) => a.id)).toEqual(['5123456', '5123457']);
    expect(conn!.metadata.keptKey).toBe('connect-only');
    expect(conn!.fresh).toBe(true);
    const [history] = await t.db.query<{ runs: number; metrics: number }>(
      `select (select count(*)::int from insight_sync_runs where target_id = $1) as runs,
              (select count(*)::int from insight_daily_metrics where account_id = '5999999') as metrics`,
      [gone!.id],
    );
    expect(history).toEqual({ runs: 1, metrics: 1 });
  });

  it('when the provider cannot be asked (grant revoked), targets and metadata stay and it is tried again in about an hour', async () => {
    const { sim, id, refresh } = await setup('bob');
    for (const grant of sim.grants.values()) if (grant.personaId === maya.id) revokeGrant(sim, grant, 'removed_by_user', 'admin');
    await t.db.query(`update connections set insight_targets_at = now() - interval '25 hours' where id = $1`, [id]);
    expect(await refresh()).toBe(0);
    expect((await targets(id)).map((r) => [r.account_id, r.enabled])).toEqual([['5123456', true], ['5999999', true]]);
    const [conn] = await t.db.query<{ ids: string[]; retry_in_min: number }>(
      `select array(select a->>'id' from jsonb_array_elements(metadata->'adAccounts') a) as ids,
              round(extract(epoch from (insight_targets_at + interval '1 day' - now())) / 60)::int as retry_in_min
         from connections where id = $1`,
      [id],
    );
    expect(conn!.ids).toEqual(['5123456', '5999999']);
    expect(conn!.retry_in_min).toBeGreaterThan(55);
    expect(conn!.retry_in_min).toBeLessThanOrEqual(60);
  });
});
