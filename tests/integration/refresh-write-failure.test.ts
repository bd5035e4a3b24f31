import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '@/lib/db/migrate';
import type { Database } from '@/lib/db/types';
import { openPostgres } from '@/lib/db/postgres-driver';
import { parseEnv } from '@/lib/env';
import { recoverAtStart } from '@/lib/refresh/recover';
import { listSpilled, readSpilled } from '@/lib/refresh/spill';
import { lookupRefreshToken } from '@/lib/simulator/grants';
import { decryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { startPostgres } from '../support/postgres-server';
import { afterTokenResponse, createHarness, flakyDatabase, type Harness } from '../support/refresh-harness';

/**
 * Issue 8 item 5: X rotates its refresh token on every refresh, so once the provider answered, the
 * new refresh token is the only one that works. A database write that fails after that must not
 * lose it: retried while the lease lasts, then kept encrypted (pending-result table, or a spill
 * file when the database is unreachable) and applied by the next refresher before anything else.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-spill-'));
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, GRANTKEEPER_DATA_DIR: dataDir });
/** Short leases so "longer than the lease" fits in a test; the rules are the same at 30 s. */
const SHORT_LEASE = { leaseSec: 2 };

/**
 * Until the lease the first sweep left on the row has lapsed by the database's clock (a deferred
 * result keeps the lease until it runs out). Polled, not slept: a heartbeat extension still in
 * flight when that sweep returned may land after it, and a loaded machine delays it further.
 */
async function leaseLapsed(db: Database, id: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(50)) {
    const [row] = await db.query<{ lapsed: boolean }>('select lease_until is null or lease_until < now() as lapsed from connections where id = $1', [id]);
    if (row?.lapsed) return;
  }
  throw new Error(`the lease on connection ${id} did not lapse within 15 s`);
}
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe.each(DRIVERS)('a refresh whose database write fails after the provider rotated the token (%s)', (driver) => {
  let t: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'alice');
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    h = createHarness(t.db, env);
    await t.db.query(`update connections set status = 'revoked', next_attempt_at = null where status <> 'revoked'`);
  });

  /** The next refresh must use the rotated token: the simulator answers invalid_request to a spent one. */
  const expectNextRefreshWorks = async (id: string) => {
    await h.makeDue(id);
    expect((await h.sweep()).refreshed).toBe(1);
    expect(h.refreshCalls()).toEqual({ ok: 2 });
    const r = await h.row(id);
    expect(r.status).toBe('active');
    expect(lookupRefreshToken(h.sim, 'x', decryptToken(r.refresh_token_enc!)).ok).toBe(true);
  };

  it('three failed writes are retried while the lease is held: the rotated token is stored and audited', async () => {
    const conn = await h.connectX();
    const flaky = flakyDatabase(t.db);
    const fetch = afterTokenResponse(h.fetchSim, () => (flaky.state.failNext = 3));
    const summary = await h.sweep({ db: flaky.db, fetch });
    expect(flaky.state.failed).toBe(3);
    expect(summary).toMatchObject({ refreshed: 1, errors: [] });

    const r = await h.row(conn.id);
    expect(r).toMatchObject({ status: 'active', lease_owner: null });
    expect(decryptToken(r.refresh_token_enc!)).not.toBe(conn.refreshToken);
    expect(lookupRefreshToken(h.sim, 'x', decryptToken(r.refresh_token_enc!)).ok).toBe(true);
    expect((await h.actions(conn.id)).at(-1)).toMatchObject({ action: 'token.refreshed', detail: { rotated: true, writeAttempts: 4 } });
    await expectNextRefreshWorks(conn.id);
  });

  it('writes failing past the lease keep the result in the pending-result table; the next refresher applies it without a provider call', async () => {
    const conn = await h.connectX();
    const flaky = flakyDatabase(t.db);
    // Only the statement that stores new tokens fails; the rest of the database works.
    flaky.state.only = /access_token_enc = \$4/;
    const fetch = afterTokenResponse(h.fetchSim, () => (flaky.state.failUntil = Date.now() + 60_000));
    const first = await h.sweep({ db: flaky.db, fetch, settings: SHORT_LEASE });
    expect(first).toMatchObject({ refreshed: 0, failed: 1 });
    expect(await h.row(conn.id)).toMatchObject({ status: 'active' });
    expect(decryptToken((await h.row(conn.id)).refresh_token_enc!)).toBe(conn.refreshToken); // spent at the provider
    const [pending] = await t.db.query<{ result_enc: string }>('select result_enc from refresh_pending_results where connection_id = $1', [conn.id]);
    expect(pending?.result_enc).toMatch(/^gAAAAA/);
    expect((await h.actions(conn.id)).map((a) => a.action)).toEqual(['token.refresh_pending']);

    await leaseLapsed(t.db, conn.id); // the next sweep may claim the connection
    const second = await h.sweep({ settings: SHORT_LEASE });
    expect(second.refreshed).toBe(1);
    expect(h.refreshCalls()).toEqual({ ok: 1 }); // applied, not refreshed again
    const r = await h.row(conn.id);
    expect(r.status).toBe('active');
    expect(lookupRefreshToken(h.sim, 'x', decryptToken(r.refresh_token_enc!)).ok).toBe(true);
    expect(await t.db.query('select 1 from refresh_pending_results where connection_id = $1', [conn.id])).toEqual([]);
    expect((await h.actions(conn.id)).at(-1)).toMatchObject({ action: 'token.refreshed', detail: { appliedLate: 'database', rotated: true } });
    await expectNextRefreshWorks(conn.id);
  });

  it('a database unreachable past the lease: the result goes to an encrypted 0600 spill file, applied by the next sweep', async () => {
    const conn = await h.connectX();
    const flaky = flakyDatabase(t.db);
    // Unreachable from the provider's answer until this sweep has given up (not for a fixed 3 s,
    // which a slow machine could outlast before the fallback, finding the database back).
    const fetch = afterTokenResponse(h.fetchSim, () => (flaky.state.failUntil = Infinity));
    const first = await h.sweep({ db: flaky.db, fetch, settings: SHORT_LEASE });
    expect(first.failed).toBe(1);
    flaky.state.failUntil = 0;

    const [file, ...more] = listSpilled(dataDir, conn.id);
    expect(more).toEqual([]);
    expect(fs.statSync(file!).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file!)).mode & 0o777).toBe(0o700);
    const kept = readSpilled(file!)!;
    expect(lookupRefreshToken(h.sim, 'x', kept.refreshToken!).ok).toBe(true);
    const text = fs.readFileSync(file!, 'utf8');
    expect(text).not.toContain(kept.refreshToken!);
    expect(text).not.toContain(kept.accessToken);

    await leaseLapsed(t.db, conn.id); // the database is back, and the next sweep may claim the connection
    const second = await h.sweep({ settings: SHORT_LEASE });
    expect(second.errors).toEqual([]);
    expect(h.refreshCalls()).toEqual({ ok: 1 });
    const r = await h.row(conn.id);
    expect(r).toMatchObject({ status: 'active', lease_owner: null });
    expect(decryptToken(r.refresh_token_enc!)).toBe(kept.refreshToken);
    expect(listSpilled(dataDir)).toEqual([]);
    expect((await h.actions(conn.id)).at(-1)).toMatchObject({ action: 'token.refreshed', detail: { appliedLate: 'spill' } });
    await expectNextRefreshWorks(conn.id);
  });
});

describe('a real PostgreSQL stopped right after the provider answered, then restarted', () => {
  it('keeps the rotated token in the spill file and applies it at the next start', async () => {
    const pg = await startPostgres();
    const proc = processDatabase(await openPostgres(pg.url, { max: 4 }));
    const db = proc.db;
    try {
      await migrate(db);
      await insertUser(db, 'alice');
      const h = createHarness(db, env);
      const conn = await h.connectX();
      // Down from the provider's answer until the sweep has given up, however long that takes (a
      // restart on a fixed 3 s timer could land before the sweep's retries and fallback were done).
      let paused = false;
      const fetch = afterTokenResponse(h.fetchSim, () => {
        pg.pause();
        paused = true;
      });
      const first = await h.sweep({ fetch, settings: SHORT_LEASE });
      expect(paused, 'the database went down right after the token response').toBe(true);
      expect(first.failed).toBe(1);
      expect(listSpilled(dataDir, conn.id)).toHaveLength(1);

      pg.resume(); // pg_ctl start -w: back and accepting connections when this returns
      // The next start opens its own pool. Reusing this one was the flake (2 of 5 runs under load):
      // the stop ended its idle connections, and whichever the next statements drew failed with
      // "terminating connection due to administrator command" — in recovery (applied: 0) or in the
      // sweep after it (refreshed: 0) — depending on which connections had been idle when.
      await proc.restart(await openPostgres(pg.url, { max: 4 }));
      const recovery = await recoverAtStart(db, env);
      expect(recovery).toMatchObject({ applied: 1, stale: 0 });
      const r = await h.row(conn.id);
      expect(r.status).toBe('active');
      expect(lookupRefreshToken(h.sim, 'x', decryptToken(r.refresh_token_enc!)).ok).toBe(true);
      expect(listSpilled(dataDir)).toEqual([]);

      await h.makeDue(conn.id);
      expect(await h.sweep()).toMatchObject({ refreshed: 1, errors: [] });
      expect(h.refreshCalls()).toEqual({ ok: 2 });
      expect((await h.row(conn.id)).status).toBe('active');
    } finally {
      await db.close().catch(() => {});
      pg.stop();
    }
  }, 120_000);
});

/** The database as one server process holds it; restart() swaps in the pool the next process would open. */
function processDatabase(first: Database) {
  let current = first;
  const db: Database = {
    get driver() {
      return current.driver;
    },
    query: (text, params) => current.query(text, params),
    exec: (script) => current.exec(script),
    transaction: (fn) => current.transaction(fn),
    close: () => current.close(),
  };
  return {
    db,
    async restart(next: Database) {
      await current.close().catch(() => {});
      current = next;
    },
  };
}
