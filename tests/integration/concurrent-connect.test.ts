import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { parseEnv } from '@/lib/env';
import { appCallbackUris } from '@/lib/simulator/access';
import { listIssued } from '@/lib/simulator/admin';
import { simulateConsent } from '@/lib/simulator/consent-driver';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { createSimulatorState } from '@/lib/simulator/state';
import { decryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { crossedFlows, FLOW_PROVIDERS, type Flow, type StoredConnection } from '../support/synthetic-flows';

/**
 * 40 connect flows at once, 8 users, the four providers mixed, each flow its own synthetic
 * persona: every one connects, and each lands on its own user with its own persona's account and
 * tokens. The benchmark runs the same check with 500 flows over HTTP (bench/oauth-flows.ts).
 */

const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
const USERS = Array.from({ length: 8 }, (_, i) => `user_flow${i}`);
const FLOWS: Flow[] = Array.from({ length: 40 }, (_, i) => ({
  userId: USERS[i % USERS.length]!,
  provider: FLOW_PROVIDERS[i % FLOW_PROVIDERS.length]!,
  personaId: `bench-${i}`,
}));

// PostgreSQL only: PGlite has one connection, so nothing there runs at once.
describe('concurrent connect flows on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    for (const user of USERS) await insertUser(t.db, user);
  });
  afterAll(() => t.dispose());

  it('connects 40 flows at once, none crossed', async () => {
    const sim = createSimulatorState();
    const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    const run = async (flow: Flow) => {
      const authorizeUrl = await startAuthorization({ db: t.db, env, userId: flow.userId, provider: flow.provider, origin: ORIGIN, returnPath: '/', fetch: fetchSim });
      const redirect = await simulateConsent(fetchSim, authorizeUrl, { personaId: flow.personaId });
      return completeAuthorization({ db: t.db, env, provider: flow.provider, sessionUserId: flow.userId, query: redirect.searchParams, origin: ORIGIN, fetch: fetchSim });
    };
    const results = await Promise.all(FLOWS.map(run));
    expect(results.map((r) => r.outcome)).toEqual(FLOWS.map(() => 'connected'));
    expect(new Set(results.map((r) => r.connectionId)).size).toBe(FLOWS.length);

    const rows = await t.db.query<{ user_id: string; provider: string; external_account_id: string; access_token_enc: string; refresh_token_enc: string | null }>(
      'select user_id, provider, external_account_id, access_token_enc, refresh_token_enc from connections',
    );
    const stored: StoredConnection[] = rows.map((r) => ({
      userId: r.user_id,
      provider: r.provider,
      externalAccountId: r.external_account_id,
      accessToken: decryptToken(r.access_token_enc),
      refreshToken: r.refresh_token_enc ? decryptToken(r.refresh_token_enc) : null,
    }));
    const issued = listIssued(sim);
    const personaOfToken = new Map([...issued.accessTokens, ...issued.refreshTokens].map((x) => [x.value, x.personaId]));
    expect(crossedFlows(FLOWS, stored, personaOfToken)).toEqual([]);
    expect(stored).toHaveLength(FLOWS.length);
    // The check itself bites: the same rows with two users' tokens swapped are two crossed flows each way.
    const swapped = stored.map((c, i) => (i < 2 ? { ...c, accessToken: stored[1 - i]!.accessToken } : c));
    expect(crossedFlows(FLOWS, swapped, personaOfToken)).toHaveLength(2);
  });

  it('with SIMULATOR_URL, connects through the shared simulator, whose grants the sweep refreshes', async () => {
    const simulatorUrl = 'http://127.0.0.1:4999';
    const sharedEnv = parseEnv({ SIMULATOR: 'on', SIMULATOR_URL: simulatorUrl, ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
    const shared = createSimulatorState();
    // Serves only the shared simulator's origin: a call to the app's own simulator throws.
    const fetchShared = createSimulatorFetch(shared, { origin: simulatorUrl, context: { admin: 'open', redirectUris: appCallbackUris(ORIGIN) } });
    const flow = { userId: USERS[0]!, provider: 'linkedin' as const, personaId: 'bench-900' };
    const authorizeUrl = await startAuthorization({ db: t.db, env: sharedEnv, userId: flow.userId, provider: flow.provider, origin: ORIGIN, returnPath: '/', fetch: fetchShared });
    expect(authorizeUrl.startsWith(`${simulatorUrl}/api/simulator/linkedin/`)).toBe(true);
    // The provider still sends the browser back to the app.
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(`${ORIGIN}/api/v1/oauth/linkedin/callback`);
    const redirect = await simulateConsent(fetchShared, authorizeUrl, { personaId: flow.personaId });
    const result = await completeAuthorization({ db: t.db, env: sharedEnv, provider: flow.provider, sessionUserId: flow.userId, query: redirect.searchParams, origin: ORIGIN, fetch: fetchShared });
    expect(result.outcome).toBe('connected');
    expect([...shared.grants.values()].map((g) => g.personaId)).toEqual(['bench-900']);
  });
});
