import type { Database, Sql } from '@/lib/db/types';
import type { Env } from '@/lib/env';
import { getFreshAccessToken } from '@/lib/refresh/fresh-token';
import { runSweep, type SweepOptions } from '@/lib/refresh/sweep';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState, type SimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { insertLiveConnection } from './fixtures';

/** Simulator, sweep and token API around one database, for the refresh-engine tests. */
export const ORIGIN = 'http://grantkeeper.test';
let seq = 0;

export interface Harness {
  sim: SimulatorState;
  fetchSim: typeof fetch;
  sweep(extra?: Partial<SweepOptions> & { db?: Database }): ReturnType<typeof runSweep>;
  fresh(id: string, extra?: { db?: Database; waitMs?: number; force?: boolean }): ReturnType<typeof getFreshAccessToken>;
  connectX(opts?: { expiresInSec?: number; refreshTokenEnc?: string }): Promise<{ id: string; accessToken: string; refreshToken: string }>;
  row(id: string): Promise<ConnectionRow>;
  refreshCalls(): Record<string, number>;
  makeDue(id: string): Promise<unknown>;
  actions(id: string): Promise<{ action: string; detail: Record<string, unknown> }[]>;
}

export interface ConnectionRow {
  status: string;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  next_attempt_at: Date | null;
  last_error_code: string | null;
  lease_owner: string | null;
  lease_until: Date | null;
  token_version: number;
  unreadable_keyset: string | null;
}

export function createHarness(db: Database, env: Env, userId = 'alice'): Harness {
  const sim = createSimulatorState();
  const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
  return {
    sim,
    fetchSim,
    // Refresh-engine tests: the campaign sync that rides along would take JIT leases of its own.
    sweep: ({ db: other, ...extra } = {}) =>
      runSweep(other ?? db, { ...env, insights: { ...env.insights, enabled: false } }, { trigger: 'test', origin: ORIGIN, fetch: fetchSim, ...extra }),
    fresh: (id, { db: other, ...extra } = {}) =>
      getFreshAccessToken({ db: other ?? db, env, userId, connectionId: id, actor: 'api_key:test', origin: ORIGIN, fetch: fetchSim, ...extra }),
    async connectX(opts = {}) {
      const personaId = `x-user-${process.pid}-${++seq}`;
      const tokens = seedGrant(sim, 'x', { personaId, scopes: ['tweet.read', 'users.read', 'offline.access'] });
      const id = await insertLiveConnection(db, {
        userId,
        provider: 'x',
        externalAccountId: personaId,
        accessTokenEnc: encryptToken(tokens.accessToken),
        refreshTokenEnc: opts.refreshTokenEnc ?? encryptToken(tokens.refreshToken),
        expiresInSec: opts.expiresInSec ?? 60,
      });
      return { id, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    },
    async row(id) {
      const [r] = await db.query<ConnectionRow>(
        `select status, access_token_enc, refresh_token_enc, next_attempt_at, last_error_code, lease_owner, lease_until,
                token_version, unreadable_keyset from connections where id = $1`,
        [id],
      );
      return r!;
    },
    refreshCalls: () => sim.stats.x.tokenCalls.refresh_token ?? {},
    makeDue: (id) => db.query(`update connections set next_attempt_at = now() - interval '1 second' where id = $1`, [id]),
    actions: (id) =>
      db.query<{ action: string; detail: Record<string, unknown> }>('select action, detail from audit_events where connection_id = $1 order by id', [
        id,
      ]),
  };
}

/** Answers from the simulator, then runs `after` once the token endpoint has answered (the provider call succeeded). */
export function afterTokenResponse(fetchSim: typeof fetch, after: () => void): typeof fetch {
  return async (input, init) => {
    const res = await fetchSim(input, init);
    if (String(input instanceof Request ? input.url : input).includes('/2/oauth2/token')) after();
    return res;
  };
}

/**
 * A database whose statements fail like an unreachable server: the next `failNext` calls, every
 * call until `failUntil`, optionally only statements matching `only`.
 */
export function flakyDatabase(db: Database) {
  const state = { failNext: 0, failUntil: 0, only: undefined as RegExp | undefined, failed: 0 };
  const shouldFail = (text?: string) => {
    if (state.only && !(text && state.only.test(text))) return false;
    if (Date.now() < state.failUntil || state.failNext > 0) {
      state.failNext = Math.max(0, state.failNext - 1);
      state.failed++;
      return true;
    }
    return false;
  };
  const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
  const wrap = (sql: Sql): Sql => ({
    query: <T extends object>(text: string, params?: readonly unknown[]) => (shouldFail(text) ? refused() : sql.query<T>(text, params)),
    exec: (script) => sql.exec(script),
  });
  const flaky: Database = {
    driver: db.driver,
    ...wrap(db),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => (state.only || !shouldFail() ? db.transaction((tx) => fn(wrap(tx))) : refused()) as Promise<T>,
    close: () => db.close(),
  };
  return { db: flaky, state };
}
