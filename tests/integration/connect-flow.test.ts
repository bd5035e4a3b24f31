import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountLists } from '@/components/dashboard/account-copy';
import { providerLine } from '@/components/dashboard/connection-copy';
import { lastRefreshTerm } from '@/components/dashboard/timeline-copy';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { disconnectConnection } from '@/lib/connections/disconnect';
import { FlowError, type OutcomeCode } from '@/lib/connections/outcomes';
import { listConnectionStatus } from '@/lib/connections/status';
import { asUser } from '@/lib/db';
import { parseEnv } from '@/lib/env';
import type { ProviderSlug, Region } from '@/lib/providers/types';
import { simulateConsent } from '@/lib/simulator/consent-driver';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { createSimulatorState, type SimulatorState } from '@/lib/simulator/state';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';

const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });

describe.each(DRIVERS)('connecting accounts through the simulator on %s', (driver) => {
  let t: TestDatabase;
  let sim: SimulatorState;
  let fetchSim: typeof fetch;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'alice');
    await insertUser(t.db, 'bob');
  });
  afterAll(() => t.dispose());
  beforeEach(() => {
    sim = createSimulatorState();
    fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
  });

  const start = (provider: ProviderSlug, opts: { userId?: string; region?: Region; connectionId?: string } = {}) =>
    startAuthorization({
      db: t.db,
      env,
      userId: opts.userId ?? 'alice',
      provider,
      origin: ORIGIN,
      region: opts.region,
      connectionId: opts.connectionId,
      returnPath: '/',
      fetch: fetchSim,
    });
  const callback = (provider: ProviderSlug, query: URLSearchParams | string, sessionUserId: string | null = 'alice') =>
    completeAuthorization({
      db: t.db,
      env,
      provider,
      sessionUserId,
      query: typeof query === 'string' ? new URLSearchParams(query) : query,
      origin: ORIGIN,
      fetch: fetchSim,
    });
  const connect = async (provider: ProviderSlug, personaId: string, region?: Region) => {
    const redirect = await simulateConsent(fetchSim, await start(provider, { region }), { personaId });
    return { redirect, result: await callback(provider, redirect.searchParams) };
  };
  const refused = async (promise: Promise<unknown>): Promise<OutcomeCode> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlowError);
    return (error as FlowError).outcome;
  };
  const counts = async () => {
    const [row] = await t.db.query<{ connections: number; states: number; tokens: number }>(
      `select (select count(*)::int from connections) as connections,
              (select count(*)::int from oauth_states) as states,
              (select count(*)::int from connections where access_token_enc is not null) as tokens`,
    );
    return row!;
  };
  const maxAuditId = async () =>
    Number((await t.db.query<{ id: string }>('select coalesce(max(id), 0)::text as id from audit_events'))[0]?.id);
  const lastAudit = async () => {
    const [row] = await t.db.query<{ action: string; outcome: string; detail: Record<string, unknown>; user_id: string | null }>(
      'select action, outcome, detail, user_id from audit_events order by id desc limit 1',
    );
    return row!;
  };

  it('connects each provider and stores its accounts, encrypted and audited', async () => {
    const x = await connect('x', 'x-riley');
    expect(x.result.outcome).toBe('connected');
    const linkedin = await connect('linkedin', 'linkedin-maya');
    const meta = await connect('meta', 'meta-lucia');
    const amazon = await connect('amazon-ads', 'amazon-avery', 'eu');

    const status = await listConnectionStatus(t.db, 'alice');
    const byProvider = Object.fromEntries(status.map((c) => [c.provider, c]));
    expect(byProvider.x?.account.name).toContain('riley_ships');
    expect(JSON.stringify(byProvider.linkedin?.metadata)).toContain('Northwind Brand Awareness');
    expect(JSON.stringify(byProvider.meta?.metadata)).toContain('Casa Lucía Bakery');
    expect(JSON.stringify(byProvider.meta?.metadata)).toContain('17841405822304914');
    expect(JSON.stringify(byProvider['amazon-ads']?.metadata)).toContain('Quinn Outdoor Gear EU');
    expect(byProvider['amazon-ads']?.metadata.region).toBe('eu');
    for (const c of status) expect(c.status).toBe('active');

    // Tokens are stored as Fernet ciphertext only; the status view carries none.
    const rows = await t.db.query<{ access_token_enc: string }>('select access_token_enc from connections');
    for (const row of rows) expect(row.access_token_enc).toMatch(/^gAAAAA/);
    expect(JSON.stringify(status)).not.toMatch(/gAAAAA|access_token|refresh_token/);

    const audit = await t.db.query<{ action: string; detail: object }>(
      `select action, detail from audit_events where action = 'connection.connected'`,
    );
    expect(audit).toHaveLength(4);
    const ids = [x, linkedin, meta, amazon].map((c) => c.result.connectionId);
    expect(new Set(ids).size).toBe(4);
    expect(await counts()).toMatchObject({ states: 0 });
  });

  it('reconnecting the same account updates the one connection instead of adding another', async () => {
    const before = (await counts()).connections;
    const first = await connect('x', 'x-sam');
    const second = await connect('x', 'x-sam');
    expect(second.result).toMatchObject({ outcome: 'reconnected', connectionId: first.result.connectionId });
    expect((await counts()).connections).toBe(before + 1);
  });

  it('a denied consent stores nothing and says so', async () => {
    const before = await counts();
    const redirect = await simulateConsent(fetchSim, await start('linkedin'), { decision: 'deny' });
    expect(redirect.searchParams.get('error')).toBe('user_cancelled_authorize');
    expect(await refused(callback('linkedin', redirect.searchParams))).toBe('consent_denied');
    expect(await counts()).toEqual({ ...before, states: 0 });
    // A person saying no is a denial (it was recorded as 'info'); the reason is the provider's code.
    expect(await lastAudit()).toMatchObject({
      action: 'oauth.callback',
      outcome: 'denied',
      user_id: 'alice',
      detail: { outcome: 'consent_denied', reason: 'provider_error:user_cancelled_authorize' },
    });
  });

  describe('one account, whatever host it connected through (issue 10)', () => {
    const connectAs = async (userId: string, provider: ProviderSlug, personaId: string, region?: Region) => {
      const redirect = await simulateConsent(fetchSim, await start(provider, { region, userId }), { personaId });
      return callback(provider, redirect.searchParams, userId);
    };
    beforeAll(() => insertUser(t.db, 'carol'));

    it('Amazon North America after Europe: one connection, both regions’ profiles, “already connected”', async () => {
      const eu = await connectAs('carol', 'amazon-ads', 'amazon-avery', 'eu');
      expect(eu.outcome).toBe('connected');
      const na = await connectAs('carol', 'amazon-ads', 'amazon-avery', 'na');
      expect(na).toMatchObject({ outcome: 'region_added', region: 'na', connectionId: eu.connectionId });
      // The same region again is a plain reconnect.
      expect(await connectAs('carol', 'amazon-ads', 'amazon-avery', 'na')).toMatchObject({ outcome: 'reconnected' });

      const amazon = (await listConnectionStatus(t.db, 'carol')).filter((c) => c.provider === 'amazon-ads');
      expect(amazon).toHaveLength(1);
      const [c] = amazon;
      expect(c!.account.name).toBe('Avery Quinn');
      expect(providerLine(c!)).toBe('Amazon Ads · simulated');
      expect(c!.metadata).toMatchObject({ region: 'na', consentRegions: ['eu', 'na'] });
      const lists = accountLists(c!.provider, c!.metadata);
      expect(lists.map((l) => l.label)).toEqual(['Profiles · North America', 'Profiles · Europe']);
      expect(lists[0]!.items.join()).toContain('(US, seller)');
      expect(lists[1]!.items.join()).toContain('Quinn Outdoor Gear EU');
    });

    it('a region missing from a later answer keeps its stored profiles', async () => {
      const first = await connectAs('carol', 'amazon-ads', 'amazon-kenji', 'fe');
      // Stored profiles of a region the next answer lacks (a host that listed nothing new) stay.
      await t.db.query(
        `update connections set metadata = jsonb_set(metadata, '{profiles,xx}', '[{"profileId":"9"}]') where id = $1`,
        [first.connectionId],
      );
      await connectAs('carol', 'amazon-ads', 'amazon-kenji', 'eu');
      const [row] = await t.db.query<{ metadata: { profiles: Record<string, unknown[]> } }>('select metadata from connections where id = $1', [
        first.connectionId,
      ]);
      expect(Object.keys(row!.metadata.profiles).sort()).toEqual(['eu', 'fe', 'na', 'xx']);
      expect(row!.metadata.profiles.fe!.length).toBeGreaterThan(0);
    });

    it('Instagram business accounts come with their usernames', async () => {
      await connectAs('carol', 'meta', 'meta-lucia');
      const meta = (await listConnectionStatus(t.db, 'carol')).find((c) => c.provider === 'meta')!;
      expect(meta.metadata.pages).toContainEqual(
        expect.objectContaining({ instagramBusinessAccountId: '17841405822304914', instagramUsername: 'casalucia.bakery' }),
      );
      expect(accountLists('meta', meta.metadata).find((l) => l.label === 'Instagram business accounts')?.items).toEqual([
        '@casalucia.bakery (via Casa Lucía Bakery)',
      ]);
    });

    it('reconnecting a revoked connection (tokens erased) is not “tokens replaced”', async () => {
      const first = await connectAs('carol', 'x', 'x-riley');
      await disconnectConnection({ db: t.db, env, userId: 'carol', connectionId: first.connectionId, origin: ORIGIN, fetch: fetchSim });
      const again = await connectAs('carol', 'x', 'x-riley');
      expect(again).toMatchObject({ outcome: 'reconnected_after_revoke', connectionId: first.connectionId });
      expect(await connectAs('carol', 'x', 'x-riley')).toMatchObject({ outcome: 'reconnected' });
    });

    it('"Connected" until the first refresh', async () => {
      const meta = (await listConnectionStatus(t.db, 'carol')).find((c) => c.provider === 'x')!;
      expect(lastRefreshTerm(meta)).toBe('Connected');
      await t.db.query(`update connections set last_refreshed_at = now() + interval '1 minute' where id = $1`, [meta.id]);
      const refreshed = (await listConnectionStatus(t.db, 'carol')).find((c) => c.provider === 'x')!;
      expect(lastRefreshTerm(refreshed)).toBe('Last refresh');
    });
  });

  describe('attacks are rejected, store nothing, and are audited', () => {
    it('forged state', async () => {
      const before = await counts();
      expect(await refused(callback('x', 'state=forged-state-value&code=abc'))).toBe('invalid_state');
      expect(await counts()).toEqual(before);
      expect(await lastAudit()).toMatchObject({ action: 'oauth.callback', outcome: 'denied', detail: { reason: 'unknown_or_used_state' } });
    });

    it('replayed state (the whole callback URL used twice)', async () => {
      const { redirect } = await connect('x', 'x-riley');
      const before = await counts();
      expect(await refused(callback('x', redirect.searchParams))).toBe('invalid_state');
      expect(await counts()).toEqual(before);
    });

    it('expired state', async () => {
      const redirect = await simulateConsent(fetchSim, await start('amazon-ads'), { personaId: 'amazon-kenji' });
      await t.db.query(`update oauth_states set expires_at = now() - interval '1 second'`);
      const before = await counts();
      expect(await refused(callback('amazon-ads', redirect.searchParams))).toBe('state_expired');
      expect(await counts()).toEqual({ ...before, states: 0 });
      expect(await lastAudit()).toMatchObject({ detail: { reason: 'state_expired' } });
    });

    it('another user’s state is refused, left usable by its owner, and reported to the owner', async () => {
      const redirect = await simulateConsent(fetchSim, await start('x', { userId: 'bob' }), { personaId: 'x-sam' });
      const before = await counts();
      const lastId = await maxAuditId();
      expect(await refused(callback('x', redirect.searchParams, 'alice'))).toBe('invalid_state');
      expect(await refused(callback('x', redirect.searchParams, null))).toBe('invalid_state');
      // Not consumed: the attempts burn nothing.
      expect(await counts()).toEqual(before);
      const bobs = await asUser(t.db, 'bob', (tx) => tx.query('select id from connections'));
      expect(bobs).toEqual([]);

      const events = await t.db.query<{ user_id: string; detail: Record<string, unknown> }>(
        `select user_id, detail from audit_events where id > $1 and action = 'oauth.callback' order by id`,
        [lastId],
      );
      expect(events).toEqual([
        expect.objectContaining({ user_id: 'bob', detail: expect.objectContaining({ reason: 'state_presented_by_another_user', presentedBy: 'another_signed_in_user' }) }),
        expect.objectContaining({ user_id: 'alice', detail: expect.objectContaining({ reason: 'state_of_another_user' }) }),
        expect.objectContaining({ user_id: 'bob', detail: expect.objectContaining({ reason: 'state_presented_by_another_user', presentedBy: 'no_session' }) }),
      ]);

      // The owner's own callback still goes through.
      expect(await callback('x', redirect.searchParams, 'bob')).toMatchObject({ outcome: 'connected' });
      expect(await counts()).toMatchObject({ states: before.states - 1, connections: before.connections + 1 });
    });

    it('a state presented at another provider’s callback is refused, left usable, and audited to its owner', async () => {
      const redirect = await simulateConsent(fetchSim, await start('linkedin'), { personaId: 'linkedin-maya' });
      const before = await counts();
      expect(await refused(callback('x', redirect.searchParams))).toBe('invalid_state');
      expect(await counts()).toEqual(before);
      expect(await lastAudit()).toMatchObject({ user_id: 'alice', outcome: 'denied', detail: { provider: 'x', reason: 'state_of_another_provider' } });

      expect((await callback('linkedin', redirect.searchParams)).outcome).toMatch(/^(re)?connected$/);
      expect(await counts()).toMatchObject({ states: before.states - 1 });
    });

    it('replayed code under a fresh state', async () => {
      const { redirect } = await connect('meta', 'meta-ben');
      const usedCode = redirect.searchParams.get('code')!;
      const fresh = await simulateConsent(fetchSim, await start('meta'), { personaId: 'meta-ben' });
      const before = await counts();
      const replay = new URLSearchParams({ state: fresh.searchParams.get('state')!, code: usedCode });
      expect(await refused(callback('meta', replay))).toBe('token_exchange_failed');
      expect(await counts()).toEqual({ ...before, states: 0 });
      expect(await lastAudit()).toMatchObject({ outcome: 'denied', detail: { outcome: 'token_exchange_failed' } });
    });

    it('missing code', async () => {
      const redirect = await simulateConsent(fetchSim, await start('x'), { personaId: 'x-riley' });
      const before = await counts();
      const noCode = new URLSearchParams({ state: redirect.searchParams.get('state')! });
      expect(await refused(callback('x', noCode))).toBe('invalid_request');
      expect(await counts()).toEqual({ ...before, states: 0 });
      expect(await lastAudit()).toMatchObject({ detail: { reason: 'missing_code' } });
    });

    it('oversized parameters', async () => {
      const redirect = await simulateConsent(fetchSim, await start('x'), { personaId: 'x-riley' });
      const before = await counts();
      const huge = new URLSearchParams(redirect.searchParams);
      huge.set('code', 'c'.repeat(10_000));
      expect(await refused(callback('x', huge))).toBe('invalid_request');
      expect(await refused(callback('x', `state=${'s'.repeat(5000)}&code=x`))).toBe('invalid_state');
      expect(await counts()).toEqual({ ...before, states: 0 });
      const audit = await t.db.query<{ detail: { reason: string } }>(
        `select detail from audit_events where action = 'oauth.callback' order by id desc limit 2`,
      );
      expect(audit.map((a) => a.detail.reason)).toEqual(['oversized_state', 'oversized_or_malformed_parameters']);
    });
  });

  it('disconnect revokes at the provider and erases both tokens; Amazon says where to remove the app', async () => {
    const { result } = await connect('x', 'x-riley');
    const revocationsBefore = sim.stats.x.revocations.endpoint;
    const out = await disconnectConnection({ db: t.db, env, userId: 'alice', connectionId: result.connectionId, origin: ORIGIN, fetch: fetchSim });
    expect(out).toMatchObject({ revokedAtProvider: true, alreadyRevoked: false });
    expect(sim.stats.x.revocations.endpoint).toBeGreaterThan(revocationsBefore);
    const [row] = await t.db.query('select status, access_token_enc, refresh_token_enc from connections where id = $1', [
      result.connectionId,
    ]);
    expect(row).toEqual({ status: 'revoked', access_token_enc: null, refresh_token_enc: null });

    const amazon = await connect('amazon-ads', 'amazon-kenji', 'fe');
    const outAmazon = await disconnectConnection({ db: t.db, env, userId: 'alice', connectionId: amazon.result.connectionId, origin: ORIGIN, fetch: fetchSim });
    expect(outAmazon.revokedAtProvider).toBe(false);
    expect(outAmazon.manualStep).toContain('amazon.com/ap/adam');

    // Bob cannot disconnect Alice's connection: it does not exist for him.
    const linkedin = await connect('linkedin', 'linkedin-omar');
    expect(
      await refused(disconnectConnection({ db: t.db, env, userId: 'bob', connectionId: linkedin.result.connectionId, origin: ORIGIN, fetch: fetchSim })),
    ).toBe('not_found');
  });

  it('disconnect with only a refresh token stored revokes that one and sends no empty access-token revocation', async () => {
    const { result } = await connect('x', 'x-riley');
    await t.db.query('update connections set access_token_enc = null where id = $1', [result.connectionId]);
    const sentTokens: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url.includes('/2/oauth2/revoke')) sentTokens.push(new URLSearchParams(await request.clone().text()).get('token') ?? '');
      return fetchSim(request);
    };
    const out = await disconnectConnection({ db: t.db, env, userId: 'alice', connectionId: result.connectionId, origin: ORIGIN, fetch: recording });
    expect(out).toMatchObject({ revokedAtProvider: true, alreadyRevoked: false });
    expect(out.providerError).toBeUndefined();
    expect(sentTokens).toHaveLength(1);
    expect(sentTokens[0]).not.toBe('');
  });

  it('the connection.disconnected audit row records tokensErased: true', async () => {
    const { result } = await connect('linkedin', 'linkedin-maya');
    await disconnectConnection({ db: t.db, env, userId: 'alice', connectionId: result.connectionId, origin: ORIGIN, fetch: fetchSim });
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: 'connection.disconnected', outcome: 'success' });
    expect(audit.detail).toMatchObject({ provider: 'linkedin', revokedAtProvider: true, tokensErased: true });
  });

  it('a provider failure during revoke still erases locally and says so', async () => {
    const { result } = await connect('linkedin', 'linkedin-maya');
    const failing: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/oauth/v2/revoke')) {
        return new Response('oops', { status: 500 });
      }
      return fetchSim(input, init);
    };
    const out = await disconnectConnection({ db: t.db, env, userId: 'alice', connectionId: result.connectionId, origin: ORIGIN, fetch: failing });
    expect(out.revokedAtProvider).toBe(false);
    expect(out.providerError).toBeTruthy();
    const [row] = await t.db.query<{ status: string; access_token_enc: string | null }>(
      'select status, access_token_enc from connections where id = $1',
      [result.connectionId],
    );
    expect(row).toEqual({ status: 'revoked', access_token_enc: null });
    expect(await lastAudit()).toMatchObject({ action: 'connection.disconnected', outcome: 'failure' });
  });
});
