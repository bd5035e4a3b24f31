import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnv } from '@/lib/env';
import { releaseThisProcessRuns } from '@/lib/insights/sweep';
import { leaseOwner } from '@/lib/refresh/lease';
import { stopGracefully } from '@/lib/shutdown';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';
import { sweepInsights, TEST_ORIGIN as ORIGIN } from '../support/insight-sweep';

/**
 * A run whose step is still under way when a stop's grace ends (lib/shutdown.ts) is abandoned,
 * but its lease is handed back before the exit: another instance resumes it at once instead of
 * after RUN_LEASE_SEC, and the abandoned step, should it still answer, writes nothing.
 */
// 90 days: three 31-day chunks; the stop lands in the first one.
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, INSIGHTS_BACKFILL_DAYS: '90' });
const urlOf = (input: RequestInfo | URL) => (input instanceof Request ? input.url : String(input));

// PostgreSQL, and the embedded PGlite (one connection: the hand-back must not queue behind the hung step).
describe.each(DRIVERS)('insight runs abandoned at the end of a graceful stop (%s)', (driver) => {
  let t: TestDatabase;
  const holder = globalThis as unknown as { grantkeeperShutdown?: unknown };
  const originalExit = process.exit;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'stella');
  });
  afterAll(() => t.dispose());
  afterEach(() => {
    process.exit = originalExit;
    delete holder.grantkeeperShutdown;
  });

  const runOf = async (connectionId: string) =>
    (
      await t.db.query<{ id: string; state: string; lease_owner: string | null; days_done: number }>(
        'select id, state, lease_owner, days_done from insight_sync_runs where connection_id = $1',
        [connectionId],
      )
    )[0];

  it('a step hanging past the grace: its lease is free at exit and another instance claims and finishes the run at once', async () => {
    delete holder.grantkeeperShutdown;
    const sim = createSimulatorState();
    const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    const tokens = seedGrant(sim, 'linkedin', { personaId: 'linkedin-exit-1', scopes: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'] });
    const id = await insertLiveConnection(t.db, {
      userId: 'stella',
      provider: 'linkedin',
      externalAccountId: 'linkedin-exit-1',
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata: { adAccounts: [{ id: '7701', name: 'Exit', currency: 'EUR' }] },
    });
    const exits: number[] = [];
    process.exit = ((code?: number) => void exits.push(code ?? 0)) as typeof process.exit;

    // The first reporting call (LinkedIn's adAnalytics) starts the stop, then hangs past its grace (a provider not answering).
    let answer = () => {};
    const hung = new Promise<void>((resolve) => (answer = resolve));
    let stopped: Promise<number | undefined> | undefined;
    const hanging = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!stopped && urlOf(input).includes('/rest/adAnalytics')) {
        // 1.5 s: its last 300 ms (the reserve) are what the lease hand-back gets, ample on a slow machine.
        stopped = stopGracefully('SIGTERM', { graceMs: 1500, flush: async () => {}, releaseInsightRuns: () => releaseThisProcessRuns(t.db) }, false);
        await hung;
      }
      return fetchSim(input, init);
    }) as typeof fetch;
    const owner = leaseOwner('sweep');
    // No signal passed: the sweep follows the process's own stop, as in production.
    const abandoned = sweepInsights(t.db, env, { owner, fetch: hanging });
    try {
      await vi.waitFor(() => expect(stopped).toBeDefined(), { timeout: 10_000 });
      expect((await runOf(id))!.lease_owner).toBe(owner);

      expect(await stopped).toBe(143);
      expect(exits).toEqual([143]);
      const atExit = (await runOf(id))!;
      expect(atExit).toMatchObject({ lease_owner: null, days_done: 0 });

      // Another instance (its own stop signal, not this process's) takes it now, not in five minutes.
      const next = await sweepInsights(t.db, env, { owner: 'other-instance', fetch: fetchSim, signal: new AbortController().signal });
      expect(next.outcomes).toEqual({ succeeded: 1 });
      expect(await runOf(id)).toMatchObject({ id: atExit.id, state: 'succeeded', lease_owner: null, days_done: 90 });
    } finally {
      answer();
    }
    // The abandoned step answers late: its write finds the lease gone and changes nothing.
    expect((await abandoned).outcomes).toEqual({ lost_lease: 1 });
    expect(await runOf(id)).toMatchObject({ state: 'succeeded', lease_owner: null, days_done: 90 });
  });
});
