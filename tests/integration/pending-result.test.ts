import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimDueConnections } from '@/lib/db/refresh';
import { parseEnv } from '@/lib/env';
import { getMetrics } from '@/lib/metrics/registry';
import { refreshClaimedConnection, type RefreshContext } from '@/lib/refresh/refresh-connection';
import { applySpilledResults } from '@/lib/refresh/pending-result';
import { listSpilled, spillResult, SPILL_DIR, type KeptResult } from '@/lib/refresh/spill';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { decryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { afterTokenResponse, createHarness, flakyDatabase, type Harness } from '../support/refresh-harness';

/**
 * Issue 11 §6, the edges of applying kept refresh results (lib/refresh/pending-result.ts): a kept
 * result is applied only at the token version it was obtained for, never over a live lease, and a
 * file nobody can read never blocks a sweep. PGlite: nothing here is about concurrency.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-pending-'));
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, GRANTKEEPER_DATA_DIR: dataDir });
const LEASE = { dataDir, leaseSec: 30 };

let t: TestDatabase;
let h: Harness;

beforeAll(async () => {
  t = await createTestDatabase('pglite');
  await insertUser(t.db, 'alice');
});
afterAll(async () => {
  await t.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  h = createHarness(t.db, env);
  await t.db.query(`update connections set status = 'revoked', next_attempt_at = null where status <> 'revoked'`);
  fs.rmSync(path.join(dataDir, SPILL_DIR), { recursive: true, force: true });
});

function kept(connectionId: string, over: Partial<KeptResult> = {}): KeptResult {
  const inSec = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  return {
    v: 1,
    connectionId,
    userId: 'alice',
    provider: 'x',
    tokenVersion: 1,
    owner: 'sweep:gone',
    accessToken: 'kept-access',
    refreshToken: 'kept-refresh',
    expiresAt: inSec(7200),
    refreshTokenExpiresAt: null,
    scopes: ['tweet.read'],
    nextAttemptAt: inSec(3600),
    rotated: true,
    ...over,
  };
}

const tokenVersion = async (id: string) => (await h.row(id)).token_version;

describe('applySpilledResults (at start and before every sweep)', () => {
  it('applies a kept result to a grant that had failed: active again with the kept tokens, audited as recovered', async () => {
    const conn = await h.connectX();
    await t.db.query(`update connections set status = 'error', last_error_code = 'provider_http_503' where id = $1`, [conn.id]);
    spillResult(dataDir, kept(conn.id, { tokenVersion: await tokenVersion(conn.id), refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString() }));

    expect(await applySpilledResults(t.db, LEASE)).toEqual({ applied: 1, stale: 0 });
    const r = await h.row(conn.id);
    expect(r).toMatchObject({ status: 'active', lease_owner: null });
    expect(decryptToken(r.refresh_token_enc!)).toBe('kept-refresh');
    expect((await h.actions(conn.id)).at(-1)).toMatchObject({ action: 'token.refreshed', detail: { appliedLate: 'spill', recovered: true } });
    expect(listSpilled(dataDir)).toEqual([]);
  });

  it('drops a result kept for an older token version (the user reconnected meanwhile), leaving the tokens alone', async () => {
    const conn = await h.connectX();
    spillResult(dataDir, kept(conn.id, { tokenVersion: (await tokenVersion(conn.id)) - 1 }));
    expect(await applySpilledResults(t.db, LEASE)).toEqual({ applied: 0, stale: 1 });
    expect(decryptToken((await h.row(conn.id)).refresh_token_enc!)).toBe(conn.refreshToken);
    expect(listSpilled(dataDir)).toEqual([]);
  });

  it('leaves a result alone while another live refresher holds the row, and applies it once the lease is gone', async () => {
    const conn = await h.connectX();
    await t.db.query(`update connections set lease_owner = 'sweep:alive', lease_until = now() + interval '1 minute' where id = $1`, [conn.id]);
    spillResult(dataDir, kept(conn.id, { tokenVersion: await tokenVersion(conn.id) }));
    expect(await applySpilledResults(t.db, LEASE)).toEqual({ applied: 0, stale: 0 });
    expect(listSpilled(dataDir)).toHaveLength(1);
    expect(decryptToken((await h.row(conn.id)).refresh_token_enc!)).toBe(conn.refreshToken);

    await t.db.query(`update connections set lease_owner = null, lease_until = null where id = $1`, [conn.id]);
    expect(await applySpilledResults(t.db, LEASE)).toEqual({ applied: 1, stale: 0 });
    expect(decryptToken((await h.row(conn.id)).refresh_token_enc!)).toBe('kept-refresh');
  });

  it('skips, without failing, a file written under a key no longer configured and a file that is not a kept result', async () => {
    const conn = await h.connectX();
    const dir = path.join(dataDir, SPILL_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const foreign = path.join(dir, `${conn.id}.1.aaaa.fernet`);
    fs.writeFileSync(foreign, new MultiFernet([generateFernetKey()]).encrypt(JSON.stringify(kept(conn.id))));
    const corrupt = spillResult(dataDir, kept(conn.id));
    fs.writeFileSync(corrupt, new MultiFernet(process.env.ENCRYPTION_KEYS!.split(',')).encrypt('{"not":"a kept result"}'));

    expect(await applySpilledResults(t.db, LEASE)).toEqual({ applied: 0, stale: 0 });
    expect(fs.existsSync(foreign)).toBe(true); // its connection's refresher parks it as key_unavailable
    expect(fs.existsSync(`${corrupt}.corrupt`)).toBe(true); // kept for a person to look at
    expect(decryptToken((await h.row(conn.id)).refresh_token_enc!)).toBe(conn.refreshToken);
  });
});

describe('a sweep that finds a stale kept result for the connection it refreshes', () => {
  it('deletes the stale file and the stale pending row, and refreshes at the provider as usual', async () => {
    const conn = await h.connectX();
    const version = await tokenVersion(conn.id);
    spillResult(dataDir, kept(conn.id, { tokenVersion: version - 1 }));
    await t.db.query(`insert into refresh_pending_results (connection_id, token_version, result_enc) values ($1, $2, 'stale')`, [conn.id, version - 1]);

    const summary = await h.sweep({ settings: { leaseSec: 30 } });
    expect(summary).toMatchObject({ refreshed: 1, errors: [] });
    expect(h.refreshCalls()).toEqual({ ok: 1 });
    expect(listSpilled(dataDir)).toEqual([]);
    expect(await t.db.query('select 1 from refresh_pending_results where connection_id = $1', [conn.id])).toEqual([]);
  });
});

describe('refreshing a connection whose provider cannot be resolved', () => {
  const ctxWith = (resolveProvider: RefreshContext['resolveProvider']): RefreshContext => ({
    db: t.db,
    settings: env.refresh,
    owner: 'sweep:test-resolver',
    actor: 'system',
    dataDir,
    resolveProvider,
  });
  const claim = async () => {
    const [c] = await claimDueConnections(t.db, { owner: 'sweep:test-resolver', provider: 'x', leaseSec: 30, limit: 1 });
    return c!;
  };

  it('an unconfigured provider is a transient failure: retried later, the tokens kept', async () => {
    const conn = await h.connectX();
    const outcome = await refreshClaimedConnection(ctxWith(async () => null), await claim());
    expect(outcome).toMatchObject({ kind: 'retrying', errorCode: 'provider_not_configured' });
    const r = await h.row(conn.id);
    expect(r).toMatchObject({ last_error_code: 'provider_not_configured', lease_owner: null });
    expect(decryptToken(r.refresh_token_enc!)).toBe(conn.refreshToken);
  });

  it('a resolver that crashes propagates (the sweep records it) and is counted as a crashed refresh', async () => {
    await h.connectX();
    const crashed = async () => (await getMetrics().refreshAttempts.get()).values.find((v) => v.labels.outcome === 'crashed')?.value ?? 0;
    const before = await crashed();
    await expect(refreshClaimedConnection(ctxWith(() => Promise.reject(new Error('registry broke'))), await claim())).rejects.toThrow('registry broke');
    expect(await crashed()).toBe(before + 1);
  });
});

describe('a sweep whose spill directory cannot be read, or that has no time left', () => {
  it('reports it, and does not call the provider: a kept result it cannot see may hold the only working token', async () => {
    const conn = await h.connectX();
    fs.writeFileSync(path.join(dataDir, SPILL_DIR), 'a file where the directory should be');
    try {
      const summary = await h.sweep();
      expect(summary.errors).toEqual([
        expect.stringMatching(/^kept results: ENOTDIR/),
        expect.stringMatching(new RegExp(`^x:${conn.id}: ENOTDIR`)),
      ]);
      expect(summary.refreshed).toBe(0);
      expect(h.refreshCalls()).toEqual({});
      expect(decryptToken((await h.row(conn.id)).refresh_token_enc!)).toBe(conn.refreshToken);
    } finally {
      fs.rmSync(path.join(dataDir, SPILL_DIR), { force: true });
    }
  });

  it('with its time budget spent claims nothing, leaving due connections to the next sweep', async () => {
    const conn = await h.connectX();
    const summary = await h.sweep({ settings: { timeBudgetMs: 0 } });
    expect(summary).toMatchObject({ claimed: 0, refreshed: 0, released: 0 });
    expect(await h.row(conn.id)).toMatchObject({ lease_owner: null });
    expect(h.refreshCalls()).toEqual({});
    expect((await h.sweep()).refreshed).toBe(1);
  });
});

describe('new tokens that neither the database nor the data directory can keep', () => {
  it('fail the refresh loudly (the sweep reports it) instead of claiming success', async () => {
    const conn = await h.connectX();
    const flaky = flakyDatabase(t.db);
    const spillPath = path.join(dataDir, SPILL_DIR);
    const fetch = afterTokenResponse(h.fetchSim, () => {
      flaky.state.failUntil = Date.now() + 60_000;
      fs.writeFileSync(spillPath, 'the disk cannot take a directory here');
    });
    try {
      const summary = await h.sweep({ db: flaky.db, fetch, settings: { leaseSec: 2 } });
      expect(summary.refreshed).toBe(0);
      expect(summary.errors).toContainEqual(expect.stringMatching(new RegExp(`^x:${conn.id}: `)));
      expect(h.refreshCalls()).toEqual({ ok: 1 });
    } finally {
      fs.rmSync(spillPath, { force: true });
    }
  });
});
