import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { simulateConsent } from '@/lib/simulator/consent-driver';
import { claimDueConnections } from '@/lib/db/refresh';
import { parseEnv } from '@/lib/env';
import { getFreshAccessToken, TokenUnavailable } from '@/lib/refresh/fresh-token';
import { runSweep, type SweepOptions } from '@/lib/refresh/sweep';
import { createSimulatorFetch } from '@/lib/simulator/fetch';
import { lookupAccessToken, lookupRefreshToken } from '@/lib/simulator/grants';
import { seedGrant } from '@/lib/simulator/seed';
import { createSimulatorState, type SimulatorState } from '@/lib/simulator/state';
import { decryptToken, encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';
import { isolateFromEarlierTests } from '../support/isolate-tests';
import { allowPrivateWebhooks } from '../support/private-webhooks';

/**
 * The refresh invariants on a real PostgreSQL (PGlite has a single connection, so it cannot show
 * what concurrent refreshers do). Provider calls go to the in-process simulator.
 */
const ORIGIN = 'http://grantkeeper.test';
const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
const X_SCOPES = ['tweet.read', 'users.read', 'offline.access'];
const AMAZON_SCOPES = ['advertising::campaign_management', 'profile'];

describe('keeping grants alive on PostgreSQL', () => {
  // The webhook receiver below listens on 127.0.0.1.
  allowPrivateWebhooks();
  let t: TestDatabase;
  let sim: SimulatorState;
  let fetchSim: typeof fetch;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await insertUser(t.db, 'alice');
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    sim = createSimulatorState();
    fetchSim = createSimulatorFetch(sim, { origin: ORIGIN });
    await isolateFromEarlierTests(t.db);
  });

  const sweep = (extra: Partial<SweepOptions> = {}) =>
    runSweep(t.db, env, { trigger: 'test', origin: ORIGIN, fetch: fetchSim, ...extra });

  /** A connection with live simulator tokens, expiring in `expiresInSec` (due when within the lead). */
  const connect = async (provider: 'x' | 'amazon-ads', opts: { expiresInSec?: number; nextAttemptInSec?: number } = {}) => {
    const personaId = `${provider}-user-${++seq}`;
    const tokens = seedGrant(sim, provider, { personaId, scopes: provider === 'x' ? X_SCOPES : AMAZON_SCOPES });
    const id = await insertLiveConnection(t.db, {
      userId: 'alice',
      provider,
      externalAccountId: personaId,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: encryptToken(tokens.refreshToken),
      expiresInSec: opts.expiresInSec ?? 60,
      nextAttemptInSec: opts.nextAttemptInSec,
      metadata: provider === 'amazon-ads' ? { region: 'na' } : {},
    });
    return { id, ...tokens };
  };
  const row = async (id: string) => {
    const [r] = await t.db.query<{
      status: string;
      access_token_enc: string | null;
      refresh_token_enc: string | null;
      expires_at: Date;
      next_attempt_at: Date | null;
      consecutive_failures: number;
      last_error_code: string | null;
      lease_owner: string | null;
    }>(
      `select status, access_token_enc, refresh_token_enc, expires_at, next_attempt_at, consecutive_failures,
              last_error_code, lease_owner from connections where id = $1`,
      [id],
    );
    return r!;
  };
  const tokenCalls = (provider: 'x' | 'amazon-ads') => sim.stats[provider].tokenCalls.refresh_token ?? {};
  const makeDue = (id: string) => t.db.query(`update connections set next_attempt_at = now() - interval '1 second' where id = $1`, [id]);
  const fresh = (id: string, extra: { fetch?: typeof fetch; force?: boolean } = {}) =>
    getFreshAccessToken({ db: t.db, env, userId: 'alice', connectionId: id, actor: 'api_key:test', origin: ORIGIN, fetch: fetchSim, ...extra });

  it('three sweepers and 50 token-API calls over 200 rotating connections refresh each exactly once', async () => {
    const connections = await Promise.all(Array.from({ length: 200 }, () => connect('x')));
    const settings = { concurrency: 8, providerConcurrency: 4 };
    const jit = Array.from({ length: 50 }, (_, i) => fresh(connections[(i * 37) % 200]!.id));
    const [a, b, c, ...served] = await Promise.all([
      sweep({ owner: 'sweeper-a', settings }),
      sweep({ owner: 'sweeper-b', settings }),
      sweep({ owner: 'sweeper-c', settings }),
      ...jit,
    ]);

    // Exactly one provider refresh per connection, and none of them a reuse of a spent token.
    expect(tokenCalls('x')).toEqual({ ok: 200 });
    expect(a!.refreshed + b!.refreshed + c!.refreshed).toBeLessThanOrEqual(200);
    expect(a!.errors.concat(b!.errors, c!.errors)).toEqual([]);
    // Work really was shared between the sweepers.
    expect([a!, b!, c!].filter((s) => s.refreshed > 0).length).toBeGreaterThan(1);

    // No token lost: every stored refresh token is the live one at the provider, every access token works.
    for (const conn of connections) {
      const r = await row(conn.id);
      expect(r).toMatchObject({ status: 'active', consecutive_failures: 0, lease_owner: null });
      const refresh = lookupRefreshToken(sim, 'x', decryptToken(r.refresh_token_enc!));
      expect(refresh.ok).toBe(true);
      expect(lookupAccessToken(sim, 'x', decryptToken(r.access_token_enc!)).ok).toBe(true);
      expect(r.next_attempt_at!.getTime()).toBeGreaterThan(Date.now());
    }
    // Every token API caller got a token that works, never a spent one.
    for (const token of served) expect(lookupAccessToken(sim, 'x', (token as { accessToken: string }).accessToken).ok).toBe(true);

    // A second round of sweeps finds nothing due.
    const again = await sweep();
    expect(again.claimed).toBe(0);
    expect(tokenCalls('x')).toEqual({ ok: 200 });
  });

  it('a refresher killed mid-flight: its lease expires and the next sweep recovers the connection', async () => {
    const conn = await connect('x');
    const claimed = await claimDueConnections(t.db, { owner: 'crashed-process', provider: 'x', leaseSec: 120, limit: 10 });
    expect(claimed.map((c) => c.id)).toContain(conn.id);
    expect((await sweep()).claimed).toBe(0); // leased: nobody touches it

    await t.db.query(`update connections set lease_until = now() - interval '1 second' where lease_owner = 'crashed-process'`);
    const summary = await sweep();
    expect(summary.refreshed).toBe(1);
    expect(await row(conn.id)).toMatchObject({ status: 'active', lease_owner: null });
    expect(tokenCalls('x')).toEqual({ ok: 1 });
  });

  it('429 with Retry-After, 500 and timeouts back off, then recover and clear the failure state', async () => {
    const conn = await connect('x');
    sim.knobs.x.failures = [
      { kind: 'rate_limited', count: 1, retryAfterSec: 120 },
      { kind: 'server_error', count: 1 },
      { kind: 'timeout', count: 1, timeoutMs: 5000 },
    ];
    const started = Date.now();
    await sweep({ providerTimeoutMs: 300 });
    let r = await row(conn.id);
    expect(r).toMatchObject({ status: 'active', consecutive_failures: 1, last_error_code: expect.stringMatching(/429|rate/) });
    expect(r.next_attempt_at!.getTime() - started).toBeGreaterThanOrEqual(119_000); // Retry-After honoured

    // Meanwhile the still-valid access token keeps being served.
    const served = await fresh(conn.id);
    expect(served.accessToken).toBe(conn.accessToken);

    await makeDue(conn.id);
    await sweep({ providerTimeoutMs: 300 });
    r = await row(conn.id);
    expect(r).toMatchObject({ consecutive_failures: 2, last_error_code: expect.stringMatching(/500/) });
    expect(r.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() + 20_000); // exponential: ≥ half of 60 s

    await makeDue(conn.id);
    await sweep({ providerTimeoutMs: 300 });
    expect(await row(conn.id)).toMatchObject({ consecutive_failures: 3, last_error_code: 'timeout' });

    await makeDue(conn.id);
    const recovered = await sweep({ providerTimeoutMs: 300 });
    expect(recovered.refreshed).toBe(1);
    expect(await row(conn.id)).toMatchObject({ status: 'active', consecutive_failures: 0, last_error_code: null });
    const audit = await t.db.query<{ action: string; detail: { recovered?: boolean } }>(
      `select action, detail from audit_events where connection_id = $1 order by id`,
      [conn.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'token.refresh_failed',
      'token.refresh_failed',
      'token.refresh_failed',
      'token.refreshed',
    ]);
    expect(audit.at(-1)?.detail.recovered).toBe(true);
  });

  it('after the fifth transient failure in a row the connection is error, and an expired token is not served', async () => {
    const conn = await connect('x', { expiresInSec: 30 });
    sim.knobs.x.failures = [{ kind: 'server_error', count: 5 }];
    for (let i = 1; i <= 5; i++) {
      await makeDue(conn.id);
      await sweep();
    }
    expect(await row(conn.id)).toMatchObject({ status: 'error', consecutive_failures: 5, next_attempt_at: null });
    expect((await sweep()).claimed).toBe(0);
    expect(tokenCalls('x')).toEqual({ injected_server_error: 5 });

    await t.db.query(`update connections set expires_at = now() - interval '1 second' where id = $1`, [conn.id]);
    const error = await fresh(conn.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailable);
    expect((error as TokenUnavailable).code).toBe('provider_unavailable');
  });

  it('invalid_grant sets needs_reauth after exactly one provider call, and the token API answers needs_reauth', async () => {
    const conn = await connect('x');
    sim.knobs.x.failures = [{ kind: 'invalid_grant', count: 1 }];
    const summary = await sweep();
    expect(summary.needsReauth).toBe(1);
    expect(await row(conn.id)).toMatchObject({ status: 'needs_reauth', next_attempt_at: null });
    expect(Object.values(tokenCalls('x')).reduce((a, b) => a + b, 0)).toBe(1);

    await sweep();
    expect(Object.values(tokenCalls('x')).reduce((a, b) => a + b, 0)).toBe(1); // never retried
    const error = await fresh(conn.id).catch((e: unknown) => e);
    expect((error as TokenUnavailable).code).toBe('needs_reauth');
  });

  it('a response without refresh_token keeps the stored one', async () => {
    sim.knobs['amazon-ads'].refreshTokenOnRefresh = 'omit';
    const conn = await connect('amazon-ads');
    await sweep();
    const r = await row(conn.id);
    expect(decryptToken(r.refresh_token_enc!)).toBe(conn.refreshToken);
    expect(decryptToken(r.access_token_enc!)).not.toBe(conn.accessToken);
    expect(tokenCalls('amazon-ads')).toEqual({ ok: 1 });
  });

  it('a response without expires_in gets the provider’s default lifetime', async () => {
    const conn = await connect('amazon-ads');
    const withoutExpiry: typeof fetch = async (input, init) => {
      const res = await fetchSim(input, init);
      if (!String(input instanceof Request ? input.url : input).includes('/auth/o2/token')) return res;
      const { expires_in: _dropped, ...body } = (await res.json()) as Record<string, unknown>;
      return Response.json(body, { status: res.status });
    };
    await sweep({ fetch: withoutExpiry });
    const r = await row(conn.id);
    const lifetime = (r.expires_at.getTime() - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(3590);
    expect(lifetime).toBeLessThanOrEqual(3600);
  });

  it('the token API refreshes just in time when a token is due, and serves a fresh one without a provider call', async () => {
    const conn = await connect('x', { expiresInSec: 3600, nextAttemptInSec: 3300 });
    const first = await fresh(conn.id);
    expect(first.accessToken).toBe(conn.accessToken);
    expect(tokenCalls('x')).toEqual({});

    await makeDue(conn.id);
    const second = await fresh(conn.id);
    expect(second.accessToken).not.toBe(conn.accessToken);
    expect(second.outcome?.kind).toBe('refreshed');
    expect(tokenCalls('x')).toEqual({ ok: 1 });
  });

  it('the token API serves only the key owner\'s connections: another user\'s or an unknown id is not_found', async () => {
    const conn = await connect('x', { expiresInSec: 3600, nextAttemptInSec: 3000 });
    await insertUser(t.db, 'mallory');
    for (const [userId, connectionId] of [
      ['mallory', conn.id],
      ['alice', '00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const error = await getFreshAccessToken({ db: t.db, env, userId, connectionId, actor: 'api_key:test', origin: ORIGIN, fetch: fetchSim }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TokenUnavailable);
      expect((error as TokenUnavailable).code).toBe('not_found');
    }
    expect((await fresh(conn.id)).accessToken).toBe(conn.accessToken);
    expect(sim.stats.x.tokenCalls).toEqual({});
  });

  it('a refresh result is discarded if the user reconnected meanwhile (token version moved on)', async () => {
    const conn = await connect('x');
    const racing: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/2/oauth2/token')) {
        await t.db.query(`update connections set token_version = token_version + 1, access_token_enc = $2 where id = $1`, [
          conn.id,
          encryptToken('reconnected-access-token'),
        ]);
      }
      return fetchSim(input, init);
    };
    await sweep({ fetch: racing });
    const r = await row(conn.id);
    expect(decryptToken(r.access_token_enc!)).toBe('reconnected-access-token');
    const [discarded] = await t.db.query(`select 1 from audit_events where connection_id = $1 and action = 'token.refresh_discarded'`, [
      conn.id,
    ]);
    expect(discarded).toBeDefined();
  });

  it('invalid_grant notifies the user by a signed webhook that verifies with the standardwebhooks package', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/grantkeeper-events`;
      const { secret } = await saveWebhookEndpoint(t.db, { userId: 'alice', url });
      const conn = await connect('x');
      sim.knobs.x.failures = [{ kind: 'invalid_grant', count: 1 }];
      // Simulator URLs are served in-process; the webhook goes over real HTTP to the local server.
      const routed: typeof fetch = (input, init) =>
        String(input instanceof Request ? input.url : input).startsWith(ORIGIN) ? fetchSim(input, init) : fetch(input, init);

      const summary = await sweep({ fetch: routed });
      expect(summary.needsReauth).toBe(1);
      expect(summary.deliveries).toBe(1);
      expect(received).toHaveLength(1);
      const [delivery] = received;
      const payload = new Webhook(secret!).verify(delivery!.body, {
        'webhook-id': String(delivery!.headers['webhook-id']),
        'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
        'webhook-signature': String(delivery!.headers['webhook-signature']),
      }) as { type: string; data: { connectionId: string; status: string } };
      expect(payload.type).toBe('connection.needs_reauth');
      expect(payload.data).toMatchObject({ connectionId: conn.id, status: 'needs_reauth' });
      // Never a token in the body.
      expect(delivery!.body).not.toContain(conn.accessToken);
      expect(delivery!.body).not.toContain(conn.refreshToken);
      expect(delivery!.body).not.toMatch(/gAAAAA|access_token|refresh_token/);
      // A tampered body does not verify.
      expect(() =>
        new Webhook(secret!).verify(delivery!.body.replace('needs_reauth', 'active'), {
          'webhook-id': String(delivery!.headers['webhook-id']),
          'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
          'webhook-signature': String(delivery!.headers['webhook-signature']),
        }),
      ).toThrow();
    } finally {
      server.close();
    }
  });

  /** Through the real connect flow (Meta's long-lived exchange happens there). */
  const connectThroughConsent = async (provider: 'meta', personaId: string) => {
    const url = await startAuthorization({ db: t.db, env, userId: 'alice', provider, origin: ORIGIN, returnPath: '/', fetch: fetchSim });
    const redirect = await simulateConsent(fetchSim, url, { personaId });
    const result = await completeAuthorization({
      db: t.db,
      env,
      provider,
      sessionUserId: 'alice',
      query: redirect.searchParams,
      origin: ORIGIN,
      fetch: fetchSim,
    });
    return result.connectionId;
  };
  const events = async (id: string) =>
    (await t.db.query<{ action: string }>('select action from audit_events where connection_id = $1 order by id', [id])).map(
      (a) => a.action,
    );

  it('Meta: a long-lived token is re-exchanged a week ahead, and a short remaining life is warned about once', async () => {
    const id = await connectThroughConsent('meta', 'meta-ben');
    const before = await row(id);
    // Stored as a ~60-day long-lived token, first looked at a week before its end.
    expect((before.expires_at.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(59);
    expect((before.expires_at.getTime() - before.next_attempt_at!.getTime()) / 86_400_000).toBeCloseTo(7, 1);

    sim.knobs.meta.longLivedTtlSec = 3 * 86_400; // the provider now extends only by three days
    await makeDue(id);
    const summary = await sweep();
    expect(summary.refreshed).toBe(1);
    const after = await row(id);
    expect(decryptToken(after.access_token_enc!)).not.toBe(decryptToken(before.access_token_enc!));
    expect((after.expires_at.getTime() - Date.now()) / 86_400_000).toBeCloseTo(3, 1);
    expect(await events(id)).toEqual(['connection.connected', 'token.refreshed', 'connection.expires_soon']);
    const [warned] = await t.db.query<{ expiry_warning_for: Date | null }>('select expiry_warning_for from connections where id = $1', [id]);
    expect(warned?.expiry_warning_for?.getTime()).toBeCloseTo(after.expires_at.getTime(), -4);
  });

  it('LinkedIn without refresh tokens: warned once before the end, needs_reauth at it, never a provider call', async () => {
    const personaId = `linkedin-user-${++seq}`;
    const tokens = seedGrant(sim, 'linkedin', { personaId, scopes: ['openid', 'profile', 'email', 'r_ads'] });
    const id = await insertLiveConnection(t.db, {
      userId: 'alice',
      provider: 'linkedin',
      externalAccountId: personaId,
      accessTokenEnc: encryptToken(tokens.accessToken),
      refreshTokenEnc: null,
      expiresInSec: 3 * 86_400,
    });
    const first = await sweep();
    expect(first.warned).toBe(1);
    let r = await row(id);
    expect(r.status).toBe('active');
    // Next look: at the expiry itself.
    expect(Math.abs(r.next_attempt_at!.getTime() - r.expires_at.getTime())).toBeLessThan(2000);

    await makeDue(id);
    expect((await sweep()).warned).toBe(0); // warned once per deadline

    await t.db.query(`update connections set expires_at = now() - interval '1 second', next_attempt_at = now() - interval '1 second' where id = $1`, [id]);
    expect((await sweep()).needsReauth).toBe(1);
    r = await row(id);
    expect(r).toMatchObject({ status: 'needs_reauth', last_error_code: 'expired' });
    expect(await events(id)).toEqual(['connection.expires_soon', 'connection.needs_reauth']);
    expect(sim.stats.linkedin.tokenCalls).toEqual({});
  });
});
