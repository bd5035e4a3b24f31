import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/api-keys/keys';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { FlowError } from '@/lib/connections/outcomes';
import { parseEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { createSimulatorState } from '@/lib/simulator/state';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';

/**
 * NUL and other control characters are refused as bad input before they reach PostgreSQL, which
 * would refuse them itself (SQLSTATE 22021) and turn them into a 500 — after consuming an OAuth
 * state, in the callback's case.
 */

const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });

describe.each(DRIVERS)('garbage input on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'alice');
  });
  afterAll(() => t.dispose());

  const count = async (sql: string) => Number((await t.db.query<{ n: string }>(sql))[0]!.n);

  it('an API key name with NUL is bad_request and creates nothing', async () => {
    for (const name of ['nightly\u0000sync', '\u0000', 'bell\u0007']) {
      const err = await createApiKey(t.db, { userId: 'alice', name }).catch((e: unknown) => e);
      expect(err, JSON.stringify(name)).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'bad_request', message: expect.stringContaining('not allowed') });
    }
    expect(await count('select count(*) as n from api_keys')).toBe(0);
    expect(await count(`select count(*) as n from audit_events where action = 'api_key.created'`)).toBe(0);
  });

  it('a webhook URL with NUL is bad_request and saves nothing', async () => {
    const err = await saveWebhookEndpoint(t.db, { userId: 'alice', url: 'https://hooks.example.com/a\u0000b' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'bad_request' });
    expect(await count('select count(*) as n from notification_endpoints')).toBe(0);
  });

  it('a callback error=access%00denied is refused as invalid_request and audited, not a database error', async () => {
    const sim = createSimulatorState();
    const fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    const url = await startAuthorization({ db: t.db, env, userId: 'alice', provider: 'x', origin: ORIGIN, returnPath: '/', fetch: fetchSim });
    const state = new URL(url).searchParams.get('state')!;
    const query = new URLSearchParams(`state=${encodeURIComponent(state)}&error=access%00denied&error_description=no%00pe`);
    const err = await completeAuthorization({ db: t.db, env, provider: 'x', sessionUserId: 'alice', query, origin: ORIGIN, fetch: fetchSim }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlowError);
    expect(err).toMatchObject({ outcome: 'invalid_request' });
    const [audit] = await t.db.query<{ detail: { reason: string } }>(
      `select detail from audit_events where action = 'oauth.callback' order by id desc limit 1`,
    );
    expect(audit?.detail.reason).toBe('oversized_or_malformed_parameters');
  });
});
