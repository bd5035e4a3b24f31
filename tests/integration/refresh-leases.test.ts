import os from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { ERROR_STATUS } from '@/lib/http/errors';
import { TokenUnavailable } from '@/lib/refresh/fresh-token';
import { leaseOwner } from '@/lib/refresh/lease';
import { recoverAtStart } from '@/lib/refresh/recover';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { lookupRefreshToken } from '@/lib/simulator/grants';
import { decryptToken, encryptToken, keySetFingerprint } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { createHarness, type Harness } from '../support/refresh-harness';

/** Issue 8 items 6, 7 and 8: leases that cannot be lost or overtaken, unreadable tokens, crashes. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

describe('refresh leases on PostgreSQL', () => {
  let t: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await insertUser(t.db, 'alice');
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    h = createHarness(t.db, env);
    await t.db.query(`update connections set status = 'revoked', next_attempt_at = null, lease_owner = null, lease_until = null`);
  });

  const until = async (cond: () => Promise<boolean>) => {
    for (const stop = Date.now() + 10_000; !(await cond()); await sleep(20)) if (Date.now() > stop) throw new Error('timed out');
  };
  const lapsed = async (ids: string[]) =>
    (await t.db.query('select 1 from connections where id = any($1::uuid[]) and lease_owner is not null and lease_until < now()', [ids])).length;
  const expectAlive = async (id: string) => {
    const r = await h.row(id);
    expect(r).toMatchObject({ status: 'active', lease_owner: null });
    expect(lookupRefreshToken(h.sim, 'x', decryptToken(r.refresh_token_enc!)).ok).toBe(true);
  };

  it('item 6: a row whose lease lapsed in the sweep queue is skipped once the token API took it — one provider call each', async () => {
    const a = await h.connectX();
    const b = await h.connectX();
    h.sim.knobs.x.latencyMs = 3_000;
    // Tiny concurrency, slow provider, long budget, a lease shorter than the wait in the queue.
    const settings = { concurrency: 1, providerConcurrency: 2, timeBudgetMs: 60_000, leaseSec: 1 };
    const sweeping = h.sweep({ settings, providerTimeoutMs: 10_000 });
    // While the sweep refreshes one connection, the other's lease lapses in the queue; the token API races for it.
    await until(async () => (await lapsed([a.id, b.id])) > 0);
    const raced = await Promise.all([h.fresh(a.id), h.fresh(b.id)]);
    const summary = await sweeping;

    expect(h.refreshCalls()).toEqual({ ok: 2 }); // never a second call with a spent refresh token
    expect(summary.errors).toEqual([]);
    expect(raced.filter((r) => r.outcome?.kind === 'refreshed')).toHaveLength(1);
    await expectAlive(a.id);
    await expectAlive(b.id);
  });

  it('item 8: a heartbeat keeps a short lease while a slow provider call is in flight, so the token API waits', async () => {
    const conn = await h.connectX();
    h.sim.knobs.x.latencyMs = 3_000;
    const sweeping = h.sweep({ settings: { leaseSec: 1 }, providerTimeoutMs: 10_000 });
    await until(async () => (await h.row(conn.id)).lease_owner !== null);
    await sleep(1_500); // well past the 1 s lease the sweep claimed with
    const mid = await h.row(conn.id);
    expect(mid.lease_owner).toMatch(/^sweep:/);
    expect(mid.lease_until!.getTime()).toBeGreaterThan(Date.now());
    const served = await h.fresh(conn.id);
    expect((await sweeping).refreshed).toBe(1);
    expect(h.refreshCalls()).toEqual({ ok: 1 });
    expect(served.outcome).toBeUndefined(); // it waited for the sweep's result
    expect(served.accessToken).not.toBe(conn.accessToken);
    await expectAlive(conn.id);
  });

  it('a stop during a sweep: the refresh at the provider is written, the claimed rows not started are handed back at once', async () => {
    const conns = [await h.connectX(), await h.connectX(), await h.connectX()];
    h.sim.knobs.x.latencyMs = 500;
    const stop = new AbortController();
    // The stop lands while the first provider call is on its way (X has spent the old token by the answer).
    const fetchStopping: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/2/oauth2/token')) stop.abort();
      return h.fetchSim(input, init);
    };
    const settings = { concurrency: 1, providerConcurrency: 1, timeBudgetMs: 60_000 };
    const summary = await h.sweep({ settings, fetch: fetchStopping, signal: stop.signal });

    expect(summary).toMatchObject({ claimed: 2, refreshed: 1, released: 1, errors: [] });
    expect(h.refreshCalls()).toEqual({ ok: 1 });
    const rows = await Promise.all(conns.map((c) => h.row(c.id)));
    const written = rows.filter((r, i) => decryptToken(r.refresh_token_enc!) !== conns[i]!.refreshToken);
    expect(written).toHaveLength(1);
    // Every row alive at the provider, none leased: another instance may take the rest right away.
    for (const c of conns) await expectAlive(c.id);
    const due = await t.db.query('select 1 from connections where id = any($1::uuid[]) and next_attempt_at <= now()', [conns.map((c) => c.id)]);
    expect(due).toHaveLength(2);
  });

  it('item 8: at start-up the leases of this host’s dead processes are released; live and foreign ones stay', async () => {
    const ids = await Promise.all([h.connectX(), h.connectX(), h.connectX(), h.connectX()]);
    const host = os.hostname();
    const owners = [
      `sweep:${host}:999999:0badc0de-aaaaaa`, // a dead process on this host
      `jit:${host}:${process.pid}:0badc0de-bbbbbb`, // an earlier life of this pid (a container's pid 1)
      `sweep:${host}:${process.ppid}:12345678-cccccc`, // alive
      `sweep:another-host:999999:0badc0de-dddddd`, // another host: its leases lapse by themselves
    ];
    for (const [i, owner] of owners.entries()) {
      await t.db.query(`update connections set lease_owner = $2, lease_until = now() + interval '30 seconds' where id = $1`, [ids[i]!.id, owner]);
    }
    const recovery = await recoverAtStart(t.db, env, { alive: (pid) => pid !== 999999 });
    expect(recovery.releasedLeases).toBe(2);
    const leased = await Promise.all(ids.map((c) => h.row(c.id).then((r) => r.lease_owner)));
    expect(leased).toEqual([null, null, owners[2], owners[3]]);
    expect(leaseOwner('sweep')).toMatch(new RegExp(`^sweep:${host}:${process.pid}:[0-9a-f]+-[0-9a-f]+$`));
  });

  it('at start-up the webhook deliveries claimed by this host’s dead processes go back to the queue; live and foreign ones stay', async () => {
    const host = os.hostname();
    const owners = [
      `sweep:${host}:999999:0badc0de-aaaaaa`, // a dead process on this host
      `sweep:${host}:${process.pid}:0badc0de-bbbbbb`, // an earlier life of this pid
      `sweep:${host}:${process.ppid}:12345678-cccccc`, // alive
      `sweep:another-host:999999:0badc0de-dddddd`, // another host: its leases lapse by themselves
    ];
    const ids: string[] = [];
    for (const owner of owners) {
      const [row] = await t.db.query<{ id: string }>(
        `insert into webhook_deliveries (user_id, event_type, payload, lease_owner, lease_until)
         values ('alice', 'connection.error', '{}', $1, now() + interval '30 seconds') returning id`,
        [owner],
      );
      ids.push(row!.id);
    }
    const recovery = await recoverAtStart(t.db, env, { alive: (pid) => pid !== 999999 });
    expect(recovery.releasedDeliveryLeases).toBe(2);
    const rows = await t.db.query<{ id: string; lease_owner: string | null; lease_until: Date | null; attempts: number }>(
      'select id, lease_owner, lease_until, attempts from webhook_deliveries where id = any($1::uuid[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => byId.get(id)!.lease_owner)).toEqual([null, null, owners[2], owners[3]]);
    expect(byId.get(ids[0]!)).toMatchObject({ lease_until: null, attempts: 0 });
    await t.db.query('delete from webhook_deliveries where id = any($1::uuid[])', [ids]);
  });

  it('at start-up the insight sync runs claimed by this host’s dead processes are due again at once; live, foreign and finished ones stay', async () => {
    const conn = await h.connectX();
    const host = os.hostname();
    const owners = [
      `sweep:${host}:999999:0badc0de-aaaaaa`, // a dead process on this host
      `sync-now:${host}:${process.pid}:0badc0de-bbbbbb`, // an earlier life of this pid (Sync now)
      `sweep:${host}:${process.ppid}:12345678-cccccc`, // alive
      `sweep:another-host:999999:0badc0de-dddddd`, // another host: its leases lapse by themselves
    ];
    const runs: string[] = [];
    for (const [i, owner] of owners.entries()) {
      const [target] = await t.db.query<{ id: string }>(
        `insert into insight_sync_targets (user_id, connection_id, provider, account_id) values ('alice', $1, 'x', $2) returning id`,
        [conn.id, `dead-lease-${i}`],
      );
      const [run] = await t.db.query<{ id: string }>(
        `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, state, window_from, window_to, days_total,
                                        progress, lease_owner, lease_until, started_at)
         values ('alice', $1, $2, 'x', 'scheduled', 'requesting', '2026-11-01', '2026-11-02', 2,
                 '{"chunks":[{"from":"2026-11-01","to":"2026-11-02","recreated":0,"polls":0}],"index":0}', $3, now() + interval '5 minutes', now())
         returning id`,
        [target!.id, conn.id, owner],
      );
      runs.push(run!.id);
    }
    // A run that succeeded keeps whatever it says (finished runs are not recovery's business).
    const [doneTarget] = await t.db.query<{ id: string }>(
      `insert into insight_sync_targets (user_id, connection_id, provider, account_id) values ('alice', $1, 'x', 'dead-lease-done') returning id`,
      [conn.id],
    );
    const [done] = await t.db.query<{ id: string }>(
      `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, state, window_from, window_to, days_total, lease_owner, lease_until)
       values ('alice', $1, $2, 'x', 'scheduled', 'succeeded', '2026-11-01', '2026-11-02', 2, $3, now() + interval '5 minutes') returning id`,
      [doneTarget!.id, conn.id, owners[0]],
    );

    const recovery = await recoverAtStart(t.db, env, { alive: (pid) => pid !== 999999 });
    expect(recovery.releasedRunLeases).toBe(2);
    const rows = await t.db.query<{ id: string; lease_owner: string | null; lease_until: Date | null; state: string; due: boolean }>(
      'select id, lease_owner, lease_until, state, next_run_at <= now() as due from insight_sync_runs where id = any($1::uuid[])',
      [[...runs, done!.id]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(runs.map((id) => byId.get(id)!.lease_owner)).toEqual([null, null, owners[2], owners[3]]);
    // Released where it stood: the next sweep (of any instance) resumes it from its stored step.
    expect(byId.get(runs[0]!)).toMatchObject({ lease_until: null, state: 'requesting', due: true });
    expect(byId.get(done!.id)!.lease_owner).toBe(owners[0]);
    await t.db.query('delete from insight_sync_runs where connection_id = $1', [conn.id]);
    await t.db.query('delete from insight_sync_targets where connection_id = $1', [conn.id]);
  });

  it('item 8: the token API’s Retry-After is the time until the blocking lease ends', async () => {
    const conn = await h.connectX({ expiresInSec: 5 }); // too close to expiry to be served
    await t.db.query(`update connections set lease_owner = 'sweep:elsewhere:1:00-00', lease_until = now() + interval '20 seconds' where id = $1`, [
      conn.id,
    ]);
    const error = await h.fresh(conn.id, { waitMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailable);
    expect((error as TokenUnavailable).code).toBe('provider_unavailable');
    expect((error as TokenUnavailable).retryAfterSec).toBeGreaterThanOrEqual(19);
    expect((error as TokenUnavailable).retryAfterSec).toBeLessThanOrEqual(20);
    expect(h.refreshCalls()).toEqual({});
  });

  it('item 7: tokens no key can read: error/key_unavailable at once, audited, notified, lease released, not retried; 503 from the token API; re-armed when the keys change', async () => {
    // An endpoint on a closed loopback port: the notification is queued whatever becomes of its delivery.
    await t.db.query(
      `insert into notification_endpoints (user_id, url, secret_enc) values ('alice', 'http://127.0.0.1:9/hook', $1) on conflict do nothing`,
      [encryptToken('whsec_dGVzdA==')],
    );
    const foreign = new MultiFernet([generateFernetKey()]);
    const conn = await h.connectX({ refreshTokenEnc: foreign.encrypt('a-refresh-token-under-a-lost-key') });
    await t.db.query(`update connections set access_token_enc = $2 where id = $1`, [conn.id, foreign.encrypt('an-access-token')]);

    const summary = await h.sweep();
    expect(summary.errors).toEqual([]); // no connection id or error text for health to show
    expect(summary).toMatchObject({ claimed: 1, failed: 1 });
    expect(await h.row(conn.id)).toMatchObject({
      status: 'error',
      last_error_code: 'key_unavailable',
      lease_owner: null,
      next_attempt_at: null,
      unreadable_keyset: keySetFingerprint(),
    });
    // The delivery itself is refused (a loopback receiver) and audited as notification.failed: not this test's concern.
    const refreshActions = (await h.actions(conn.id)).map((a) => a.action).filter((a) => !a.startsWith('notification.'));
    expect(refreshActions).toEqual(['connection.key_unavailable']);
    const [note] = await t.db.query<{ event_type: string; payload: { data: { errorCode: string } } }>(
      'select event_type, payload from webhook_deliveries where connection_id = $1',
      [conn.id],
    );
    expect(note).toMatchObject({ event_type: 'connection.error', payload: { data: { errorCode: 'key_unavailable' } } });
    expect(h.refreshCalls()).toEqual({});

    expect((await h.sweep()).claimed).toBe(0); // not retried every sweep
    for (const force of [false, true]) {
      const error = await h.fresh(conn.id, { force }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenUnavailable);
      expect((error as TokenUnavailable).code).toBe('key_unavailable');
      expect(ERROR_STATUS[(error as TokenUnavailable).code]).toBe(503);
    }
    expect(total(h.refreshCalls())).toBe(0);

    // Started again with the same keys: still parked. With a different key set: tried again.
    expect((await recoverAtStart(t.db, env)).rearmed).toBe(0);
    expect((await recoverAtStart(t.db, env, { keyset: 'another-key-set' })).rearmed).toBe(1);
    expect(await h.row(conn.id)).toMatchObject({ status: 'active', unreadable_keyset: null });
    expect((await h.sweep()).claimed).toBe(1);
  });

  it('item 7: an unreadable access token in an active row answers key_unavailable, not a 500', async () => {
    const conn = await h.connectX({ expiresInSec: 3_600 });
    await t.db.query(`update connections set access_token_enc = $2, next_attempt_at = now() + interval '1 hour' where id = $1`, [
      conn.id,
      new MultiFernet([generateFernetKey()]).encrypt('an-access-token'),
    ]);
    const error = await h.fresh(conn.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailable);
    expect((error as TokenUnavailable).code).toBe('key_unavailable');
  });
});
