import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { upsertNotificationEndpoint } from '@/lib/db/notifications';
import { renderMetrics } from '@/lib/metrics/scrape';
import { checkRateLimit } from '@/lib/rate-limit/limiter';
import { runSweep } from '@/lib/refresh/sweep';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState } from '@/lib/simulator/state';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';
import { parsePrometheus } from '../support/prometheus';

/**
 * Issue 11 §4: the scrape is valid Prometheus text, the database gauges tell the backlog and the
 * connections by status, and the per-instance counters move when a sweep refreshes.
 */
const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS, INSIGHTS: 'off' });

describe('metrics', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await insertUser(t.db, 'alice');
  });
  afterAll(() => t.dispose());

  const scrape = async () => parsePrometheus(await renderMetrics(t.db));

  it('counts a refresh, its latency and its sweep, and reads the backlog and statuses from the database', async () => {
    const sim = createSimulatorState();
    const tokens = seedGrant(sim, 'x', { personaId: 'x-metrics', scopes: ['tweet.read', 'users.read', 'offline.access'] });
    await insertLiveConnection(t.db, {
      userId: 'alice',
      provider: 'x',
      externalAccountId: 'x-metrics',
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: 60,
    });
    await t.db.query(`insert into connections (user_id, provider, external_account_id, display_name, status, expires_at)
                      values ('alice', 'linkedin', 'li-1', 'li-1', 'needs_reauth', now())`);

    const before = await scrape();
    expect(before.types.get('grantkeeper_refresh_attempts_total')).toBe('counter');
    expect(before.types.get('grantkeeper_refresh_duration_seconds')).toBe('histogram');
    expect(before.value('grantkeeper_refresh_due_connections')).toBe(1);
    expect(before.value('grantkeeper_refresh_oldest_due_seconds')).toBeGreaterThan(0);
    expect(before.value('grantkeeper_connections', { provider: 'x', status: 'active' })).toBe(1);
    expect(before.value('grantkeeper_connections', { provider: 'linkedin', status: 'needs_reauth' })).toBe(1);

    const summary = await runSweep(t.db, env, { trigger: 'test', origin: ORIGIN, fetch: createSimulatorFetch(sim, { origin: ORIGIN }) });
    expect(summary.refreshed).toBe(1);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
    expect(moved('grantkeeper_refresh_attempts_total', { provider: 'x', outcome: 'refreshed' })).toBe(1);
    expect(moved('grantkeeper_refresh_duration_seconds_count', { provider: 'x' })).toBe(1);
    expect(after.value('grantkeeper_refresh_duration_seconds_sum', { provider: 'x' })).toBeGreaterThan(0);
    expect(moved('grantkeeper_sweep_duration_seconds_count', { trigger: 'test' })).toBe(1);
    expect(moved('grantkeeper_sweep_connections_total', { result: 'claimed' })).toBe(1);
    expect(moved('grantkeeper_sweep_connections_total', { result: 'refreshed' })).toBe(1);
    // Refreshed: no longer due, still active.
    expect(after.value('grantkeeper_refresh_due_connections')).toBe(0);
    expect(after.value('grantkeeper_refresh_oldest_due_seconds')).toBe(0);
    expect(after.value('grantkeeper_connections', { provider: 'x', status: 'active' })).toBe(1);
  });

  it('a failed refresh, its webhook delivery and a rate-limit refusal are counted, and a broken database still yields the counters', async () => {
    const sim = createSimulatorState();
    const tokens = seedGrant(sim, 'x', { personaId: 'x-revoked', scopes: ['tweet.read', 'users.read', 'offline.access'] });
    await insertLiveConnection(t.db, {
      userId: 'alice',
      provider: 'x',
      externalAccountId: 'x-revoked',
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken('not-the-refresh-token'),
      expiresInSec: 60,
    });
    // Alice's receiver sits on a private address, which the webhook policy refuses: one final failure.
    await upsertNotificationEndpoint(t.db, { userId: 'alice', url: 'https://10.0.0.1/hook', secretEnc: encryptToken('whsec-metrics'), rotateSecret: true });
    const before = await scrape();
    await runSweep(t.db, env, { trigger: 'test', origin: ORIGIN, fetch: createSimulatorFetch(sim, { origin: ORIGIN }) });
    const after = await scrape();
    const deliveries = (s: typeof after) =>
      ['delivered', 'retrying', 'failed'].reduce((n, outcome) => n + s.value('grantkeeper_webhook_deliveries_total', { outcome }), 0);
    expect(deliveries(after) - deliveries(before)).toBe(1);
    expect(
      after.value('grantkeeper_refresh_attempts_total', { provider: 'x', outcome: 'needs_reauth' }) -
        before.value('grantkeeper_refresh_attempts_total', { provider: 'x', outcome: 'needs_reauth' }),
    ).toBe(1);
    expect(after.value('grantkeeper_connections', { provider: 'x', status: 'needs_reauth' })).toBe(1);

    // A rate-limit refusal is counted by policy.
    const limits = parseEnv({ RATE_LIMIT_TOKEN_API: '1/60s' }).rateLimits;
    await checkRateLimit(t.db, limits, 'token_api', 'key-1');
    await checkRateLimit(t.db, limits, 'token_api', 'key-1');
    const limited = await scrape();
    expect(limited.value('grantkeeper_rate_limit_rejections_total', { policy: 'token_api' }) - after.value('grantkeeper_rate_limit_rejections_total', { policy: 'token_api' })).toBe(1);

    const broken = parsePrometheus(await renderMetrics(() => Promise.reject(new Error('connection refused'))));
    expect(broken.value('grantkeeper_metrics_database_errors_total')).toBe(before.value('grantkeeper_metrics_database_errors_total') + 1);
    expect(broken.value('grantkeeper_refresh_attempts_total', { provider: 'x', outcome: 'refreshed' })).toBe(1);
  });
});
