import { beforeEach, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { advanceInsights } from '@/lib/insights/sweep';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { patchReportingKnobs } from '@/lib/simulator/reporting-state';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { insertLiveConnection } from '../support/fixtures';
import { TOKEN_LOOKING, useNotificationFixture } from '../support/notification-fixture';

/**
 * `insights.sync_failed`: a sync run that ends failed tells the user's webhook, signed, once, with
 * what failed and why and nothing secret; a run that only retries or defers tells nobody.
 */
const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });

describe('insights sync failure notifications', () => {
  const f = useNotificationFixture('postgres');
  let seq = 0;
  // The fixture's own connection holds no live token: kept out, so each test sees only its runs.
  beforeEach(() => f.t.db.query(`update connections set status = 'revoked' where id = $1`, [f.connA]));

  const amazonConnection = async (userId: string, sim: ReturnType<typeof createSimulatorState>, profileId: string) => {
    const tokens = seedGrant(sim, 'amazon-ads', { personaId: `amazon-notify-${++seq}`, scopes: ['advertising::campaign_management', 'profile'] });
    const id = await insertLiveConnection(f.t.db, {
      userId,
      provider: 'amazon-ads',
      externalAccountId: `amazon-notify-${seq}`,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 3600,
      nextAttemptInSec: 3000,
      metadata: { profiles: { na: [{ profileId, currencyCode: 'USD', timezone: 'UTC', accountInfo: { type: 'seller', name: 'Shop' } }] } },
    });
    return { id, tokens };
  };

  const sweep = (sim: ReturnType<typeof createSimulatorState>) =>
    advanceInsights(f.t.db, env, { owner: 'sweeper', origin: ORIGIN, deadline: Date.now() + 20_000, fetch: createSimulatorFetch(sim, { origin: ORIGIN }), pollWaitsMs: [0, 0, 0] });

  it('a failed run enqueues one signed insights.sync_failed event with the reason and no secret', async () => {
    const sim = createSimulatorState();
    const { id, tokens } = await amazonConnection('user_a', sim, '95000001');
    patchReportingKnobs(sim, { amazonFailReports: 3 });
    await sweep(sim);
    const [run] = await f.t.db.query<{ id: string; state: string; error_code: string }>(
      `select id, state, error_code from insight_sync_runs where connection_id = $1`,
      [id],
    );
    expect(run).toMatchObject({ state: 'failed', error_code: 'report_failed' });

    expect(await f.deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const got = f.rx.received[0]!;
    expect(got.verified).toBe(true);
    expect(got.body).not.toMatch(TOKEN_LOOKING);
    expect(got.body).not.toContain(tokens.accessToken);
    expect(got.body).not.toContain(tokens.refreshToken);
    const payload = JSON.parse(got.body) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({
      type: 'insights.sync_failed',
      data: { runId: run!.id, connectionId: id, provider: 'amazon-ads', accountId: '95000001', accountName: 'Shop', trigger: 'scheduled', errorCode: 'report_failed' },
    });
    expect(payload.data.reason).toEqual(expect.any(String));
    expect(payload.data.window).toEqual({ from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const [delivery] = await f.t.db.query<{ event_type: string; connection_id: string }>(`select event_type, connection_id from webhook_deliveries`);
    expect(delivery).toEqual({ event_type: 'insights.sync_failed', connection_id: id });
  });

  it('a run that is only deferred (rate limited) or retrying notifies nobody; a user without an endpoint gets no delivery', async () => {
    const sim = createSimulatorState();
    await amazonConnection('user_a', sim, '95000002');
    patchReportingKnobs(sim, { rateLimit: { 'amazon-ads': { count: 1, retryAfterSec: 600 } } });
    await sweep(sim);
    const states = await f.t.db.query<{ state: string }>(`select state from insight_sync_runs r join insight_sync_targets t on t.id = r.target_id where t.account_id = '95000002'`);
    expect(states).toEqual([{ state: 'deferred' }]);

    const other = createSimulatorState();
    await amazonConnection('user_none', other, '95000003');
    patchReportingKnobs(other, { amazonFailReports: 3 });
    await sweep(other);
    const [failed] = await f.t.db.query<{ state: string }>(`select state from insight_sync_runs r join insight_sync_targets t on t.id = r.target_id where t.account_id = '95000003'`);
    expect(failed).toEqual({ state: 'failed' });
    expect(await f.t.db.query(`select 1 from webhook_deliveries`)).toEqual([]);
  });
});
