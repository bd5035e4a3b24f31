import crypto from 'node:crypto';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKeyAction } from '@/lib/actions/create-api-key';
import { sendTestNotificationAction } from '@/lib/actions/send-test-notification';
import { createApiKey } from '@/lib/api-keys/keys';
import { clearApiKeyCache } from '@/lib/api-keys/cache';
import { asUser, type Database } from '@/lib/db';
import { parseEnv, resetEnvForTests } from '@/lib/env';
import { maxBlock, RateLimitBlocks } from '@/lib/rate-limit/blocks';
import { checkRateLimit, clearRateLimitBlocks } from '@/lib/rate-limit/limiter';
import { resolveRateLimits } from '@/lib/rate-limit/policies';
import { getTokenReadAudit } from '@/lib/refresh/token-read-audit';
import { runSweep } from '@/lib/refresh/sweep';
import { encryptToken } from '@/lib/tokens/keys';
import { GET as accessToken } from '@/app/api/v1/connections/[id]/access-token/route';
import { POST as createKeyRoute } from '@/app/api/v1/api-keys/route';
import { GET as auditExportRoute } from '@/app/api/v1/audit/export/route';
import { POST as testEventRoute } from '@/app/api/v1/notifications/test/route';
import { GET as authorizeRoute } from '@/app/api/v1/oauth/[provider]/authorize/route';
import { GET as callbackRoute } from '@/app/api/v1/oauth/[provider]/callback/route';
import { POST as clerkWebhookRoute } from '@/app/api/webhooks/clerk/route';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';
import { signedInAs, useDatabase } from '../support/route-session';

// Route handlers and server actions run here outside Next: the session and request headers are stubbed.
vi.mock('@/lib/auth/session', async (importOriginal) => (await import('../support/route-session')).withMockedSessionUser(importOriginal));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-request-id': 'rate-limit-action' }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const ORIGIN = 'http://localhost:3000';
/** Small limits, so each is reached in a few requests. The vitest config turns limits off; these tests turn them on. */
const LIMITS: Record<string, string> = {
  RATE_LIMITS: 'on',
  RATE_LIMIT_AUTH_FAILURES: '5/60s',
  RATE_LIMIT_TOKEN_API: '3/60s',
  RATE_LIMIT_AUTHORIZE: '2/60s',
  RATE_LIMIT_CALLBACK: '4/60s',
  RATE_LIMIT_CLERK_WEBHOOK: '3/60s',
  RATE_LIMIT_TEST_EVENT: '2/60s',
  RATE_LIMIT_API_KEY_CREATE: '2/1h',
  RATE_LIMIT_AUDIT_EXPORT: '2/60s',
};
const CLERK = {
  CLERK_SECRET_KEY: 'sk_test_rate_limits',
  CLERK_PUBLISHABLE_KEY: 'pk_test_cmF0ZS1saW1pdHMuY2xlcmsuYWNjb3VudHMuZGV2JA==',
  CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----',
  CLERK_WEBHOOK_SIGNING_SECRET: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
};

function setEnv(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetEnvForTests();
}
function unsetEnv(vars: Record<string, string>) {
  for (const k of Object.keys(vars)) delete process.env[k];
  resetEnvForTests();
}
const request = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  new NextRequest(`${ORIGIN}${path}`, { ...init, headers: { 'x-request-id': 'rate-limit-test', ...init.headers } });
const params = <T>(value: T) => ({ params: Promise.resolve(value) });

describe.each(DRIVERS)('rate limits on %s', (driver) => {
  let t: TestDatabase;
  const settings = (limit: number, windowSec = 60) => {
    const s = resolveRateLimits({});
    return { ...s, policies: { ...s.policies, token_api: { name: 'token_api' as const, limit, windowSec } } };
  };
  const auditCount = async () => Number((await t.db.query<{ n: string }>('select count(*)::text as n from audit_events'))[0]?.n);

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    for (const u of ['alice', 'bob', 'carol', 'dave']) await insertUser(t.db, u);
    useDatabase(t.db);
    setEnv(LIMITS);
  });
  afterAll(async () => {
    await getTokenReadAudit().flush();
    useDatabase(undefined);
    unsetEnv(LIMITS);
    await t.dispose();
  });
  afterEach(() => clearApiKeyCache());

  describe('the limiter', () => {
    it('allows the limit, then refuses until the window ends, with the time left', async () => {
      const s = settings(3);
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await checkRateLimit(t.db, s, 'token_api', 'subject-seq'));
      expect(decisions.map((d) => [d?.allowed, d?.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
        [false, 0],
      ]);
      expect(decisions[4]!.resetSec).toBeGreaterThanOrEqual(1);
      expect(decisions[4]!.resetSec).toBeLessThanOrEqual(60);
      // Another subject has its own window.
      expect(await checkRateLimit(t.db, s, 'token_api', 'subject-other')).toMatchObject({ allowed: true, remaining: 2 });
      // The window ends: counting starts over.
      await t.db.query(`update rate_limits set expires_at = now() - interval '1 second'`);
      expect(await checkRateLimit(t.db, s, 'token_api', 'subject-seq')).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('is atomic: of 40 concurrent hits with a limit of 10, exactly 10 are allowed', async () => {
      const s = settings(10);
      const decisions = await Promise.all(Array.from({ length: 40 }, () => checkRateLimit(t.db, s, 'token_api', 'subject-race')));
      expect(decisions.filter((d) => d?.allowed)).toHaveLength(10);
      expect(decisions.filter((d) => d && !d.allowed)).toHaveLength(30);
    });

    it('blocks: two instances hitting one key at once never serve more than the limit, and refuse at most a block each early', async () => {
      const [a, b] = [new RateLimitBlocks(), new RateLimitBlocks()];
      const limit = 300;
      let allowed = 0;
      for (let round = 0; round < 10; round++) {
        const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).hit(t.db, 'test:blocks-race', limit, 60)));
        allowed += decisions.filter((d) => d.allowed).length;
      }
      expect(allowed).toBeLessThanOrEqual(limit);
      expect(allowed).toBeGreaterThanOrEqual(limit - 2 * (maxBlock(limit) - 1));
      const [row] = await t.db.query<{ hits: number }>(`select hits from rate_limits where key = 'test:blocks-race'`);
      expect(Number(row!.hits)).toBeGreaterThan(limit);
      await t.db.query(`delete from rate_limits where key = 'test:blocks-race'`);
    });

    it('does nothing when RATE_LIMITS=off', async () => {
      const off = resolveRateLimits({ RATE_LIMITS: 'off' });
      expect(await checkRateLimit(t.db, off, 'token_api', 'subject-off')).toBeNull();
      expect(await t.db.query(`select 1 from rate_limits where key like 'token_api:%' and hits > 100`)).toEqual([]);
    });

    it('stores no subject in clear, is not readable as a user, and ended windows are swept', async () => {
      await checkRateLimit(t.db, settings(3), 'token_api', '203.0.113.9');
      const keys = await t.db.query<{ key: string }>('select key from rate_limits');
      expect(JSON.stringify(keys)).not.toContain('203.0.113.9');
      await expect(asUser(t.db, 'alice', (tx) => tx.query('select * from rate_limits'))).rejects.toThrow(/permission denied/);

      await t.db.query(`insert into rate_limits (key, window_start, hits, expires_at) values
        ('test:ended', now() - interval '2 minutes', 1, now() - interval '1 minute'),
        ('test:live', now(), 1, now() + interval '1 minute')`);
      const env = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS });
      await runSweep(t.db, env, { trigger: 'test', origin: ORIGIN });
      const left = await t.db.query<{ key: string }>(`select key from rate_limits where key like 'test:%'`);
      expect(left).toEqual([{ key: 'test:live' }]);
    });
  });

  describe('the HTTP surface', () => {
    it('token API: 429 with Retry-After, RateLimit and RateLimit-Policy after the per-key limit', async () => {
      const { key } = await createApiKey(t.db, { userId: 'alice', name: 'sync' });
      const connection = await insertConnection(t.db, { userId: 'alice', accessTokenEnc: encryptToken('at-rate-limit') });
      const call = () =>
        accessToken(request(`/api/v1/connections/${connection}/access-token`, { headers: { authorization: `Bearer ${key}` } }), params({ id: connection }));

      for (const remaining of [2, 1, 0]) {
        const ok = await call();
        expect(ok.status).toBe(200);
        expect(ok.headers.get('ratelimit-policy')).toBe('"token_api";q=3;w=60');
        expect(ok.headers.get('ratelimit')).toMatch(new RegExp(`^"token_api";r=${remaining};t=\\d+$`));
      }
      const refused = await call();
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-policy')).toBe('"token_api";q=3;w=60');
      expect(refused.headers.get('ratelimit')).toBe(`"token_api";r=0;t=${retryAfter}`);
      expect(await refused.json()).toEqual({
        error: { code: 'rate_limited', message: expect.stringMatching(/at most 3 per minute/), requestId: 'rate-limit-test' },
      });
    });

    it('token API: the row is read alongside the rate-limit hit (one wait), and a refused call serves and audits nothing', async () => {
      const { key } = await createApiKey(t.db, { userId: 'bob', name: 'overlap' });
      const connection = await insertConnection(t.db, { userId: 'bob', accessTokenEnc: encryptToken('at-overlap') });
      // What was in flight when each statement went out: the upsert and the read must overlap.
      const inFlight = new Set<string>();
      const overlaps: string[][] = [];
      const label = (text: string) => (/rate_limits/.test(text) ? 'rate_limit' : /read_token_row_as_user/.test(text) ? 'read' : 'other');
      const watched: Database = {
        ...t.db,
        driver: t.db.driver,
        query: async (text, values) => {
          const l = label(text);
          inFlight.add(l);
          overlaps.push([...inFlight].sort());
          try {
            return await t.db.query(text, values);
          } finally {
            inFlight.delete(l);
          }
        },
        exec: (script) => t.db.exec(script),
        transaction: (fn) => t.db.transaction(fn),
        close: () => t.db.close(),
      } as Database;
      useDatabase(watched);
      try {
        const call = () =>
          accessToken(request(`/api/v1/connections/${connection}/access-token`, { headers: { authorization: `Bearer ${key}` } }), params({ id: connection }));
        const ok = await call();
        expect(ok.status).toBe(200);
        expect((await ok.json()).access_token).toBe('at-overlap');
        expect(overlaps).toContainEqual(['rate_limit', 'read']);

        for (let i = 0; i < 2; i++) expect((await call()).status).toBe(200);
        await getTokenReadAudit().flush();
        const audited = await auditCount();
        const refused = await call();
        expect(refused.status).toBe(429);
        expect(await refused.text()).not.toContain('at-overlap');
        await getTokenReadAudit().flush();
        expect(await auditCount()).toBe(audited);
      } finally {
        useDatabase(t.db);
      }
    });

    it('token API: a busy key writes its rate-limit counter once per block of reads, not on every read', async () => {
      setEnv({ RATE_LIMIT_TOKEN_API: '600/60s' });
      clearRateLimitBlocks();
      const { key, id: keyId } = await createApiKey(t.db, { userId: 'dave', name: 'busy' });
      const connection = await insertConnection(t.db, { userId: 'dave', accessTokenEnc: encryptToken('at-busy') });
      let upserts = 0;
      const watched = { ...t.db, driver: t.db.driver, query: (text: string, values?: readonly unknown[]) => {
        if (/rate_limits/.test(text)) upserts++;
        return t.db.query(text, values);
      }, exec: (script: string) => t.db.exec(script), transaction: t.db.transaction.bind(t.db), close: () => t.db.close() } as Database;
      useDatabase(watched);
      try {
        for (let i = 0; i < 120; i++) {
          const res = await accessToken(request(`/api/v1/connections/${connection}/access-token`, { headers: { authorization: `Bearer ${key}` } }), params({ id: connection }));
          expect(res.status).toBe(200);
          // The header still tells the truth: never more left than the reads not yet made.
          expect(Number(res.headers.get('ratelimit')?.match(/;r=(\d+)/)?.[1])).toBeLessThanOrEqual(600 - (i + 1));
        }
        // Blocks of 1, 2, 4, 8, 12, 12…: 120 reads take about a dozen writes.
        expect(upserts).toBeLessThanOrEqual(16);
        // Every read served is counted in the shared row (with at most one block reserved ahead).
        const counter = `token_api:${crypto.createHash('sha256').update(keyId).digest('base64url').slice(0, 32)}`;
        const [row] = await t.db.query<{ hits: number }>('select hits from rate_limits where key = $1', [counter]);
        expect(Number(row!.hits)).toBeGreaterThanOrEqual(120);
        expect(Number(row!.hits)).toBeLessThan(120 + maxBlock(600));
        await t.db.query('delete from rate_limits where key = $1', [counter]);
      } finally {
        useDatabase(t.db);
        setEnv(LIMITS);
        clearRateLimitBlocks();
        await getTokenReadAudit().flush();
      }
    });

    it('a flood of bad API keys is refused per client, counted, logged, and not audited', async () => {
      const before = await auditCount();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const bogus = `gk_${crypto.randomBytes(6).toString('hex')}_${crypto.randomBytes(32).toString('base64url')}`;
        const res = await accessToken(
          request(`/api/v1/connections/${crypto.randomUUID()}/access-token`, { headers: { authorization: `Bearer ${bogus}` } }),
          params({ id: crypto.randomUUID() }),
        );
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers.get('ratelimit-policy')).toBe('"auth_failures";q=5;w=60');
      }
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
      expect(await auditCount()).toBe(before);
      // Only failures count: a valid key from the same client is still served.
      const { key } = await createApiKey(t.db, { userId: 'bob', name: 'other' });
      const connection = await insertConnection(t.db, { userId: 'bob', accessTokenEnc: encryptToken('at-bob') });
      const ok = await accessToken(
        request(`/api/v1/connections/${connection}/access-token`, { headers: { authorization: `Bearer ${key}` } }),
        params({ id: connection }),
      );
      expect(ok.status).toBe(200);
    });

    it('a flood of anonymous callbacks with unknown states is refused per client and writes no audit row', async () => {
      signedInAs(null);
      const before = await auditCount();
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await callbackRoute(request(`/api/v1/oauth/x/callback?state=forged-${i}&code=c`), params({ provider: 'x' }));
        statuses.push(res.status);
      }
      expect(statuses).toEqual([...Array(4).fill(303), ...Array(6).fill(429)]);
      expect(await auditCount()).toBe(before);
    });

    it('authorize is limited per user', async () => {
      signedInAs('alice');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await authorizeRoute(request('/api/v1/oauth/x/authorize'), params({ provider: 'x' }))).status);
      expect(statuses).toEqual([302, 302, 429]);
      signedInAs('bob');
      expect((await authorizeRoute(request('/api/v1/oauth/x/authorize'), params({ provider: 'x' }))).status).toBe(302);
    });

    it('the Clerk webhook is limited per client, before the signature is checked', async () => {
      setEnv(CLERK);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          const res = await clerkWebhookRoute(
            request('/api/webhooks/clerk', {
              method: 'POST',
              headers: { 'svix-id': `msg_${i}`, 'svix-timestamp': String(Math.floor(Date.now() / 1000)), 'svix-signature': 'v1,Zm9yZ2Vk' },
              body: '{"type":"user.created"}',
            }),
          );
          statuses.push(res.status);
        }
        expect(statuses).toEqual([400, 400, 400, 429, 429]);
      } finally {
        unsetEnv(CLERK);
      }
    });

    it('"send a test event" is limited per user, in the route and the dashboard action', async () => {
      signedInAs('alice');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await testEventRoute(request('/api/v1/notifications/test', { method: 'POST' }))).status);
      expect(statuses).toEqual([404, 404, 429]);

      signedInAs('bob');
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await sendTestNotificationAction());
      expect(results.slice(0, 2)).toEqual(Array(2).fill({ ok: false, message: 'Set a webhook URL first.' }));
      expect(results[2]).toEqual({ ok: false, rateLimited: true, message: expect.stringMatching(/^Too many requests: at most 2 per minute\. Try again in \d+ s\.$/) });
    });

    it('API key creation is limited per user, in the route and the dashboard action', async () => {
      signedInAs('carol');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await createKeyRoute(request('/api/v1/api-keys', { method: 'POST', body: JSON.stringify({ name: `k${i}` }) }));
        statuses.push(res.status);
      }
      expect(statuses).toEqual([201, 201, 429]);
      // The action shares the user's window: carol has used it up.
      expect(await createApiKeyAction('via action')).toMatchObject({ ok: false, rateLimited: true });
      const keys = await t.db.query(`select 1 from api_keys where user_id = 'carol'`);
      expect(keys).toHaveLength(2);

      signedInAs('bob');
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await createApiKeyAction(`bob ${i}`));
      expect(results.map((r) => r.ok)).toEqual([true, true, false]);
      expect(results[2]).toMatchObject({ rateLimited: true, message: expect.stringMatching(/at most 2 per hour/) });
    });

    it('the audit log CSV export is limited per user, with Retry-After and the RateLimit fields', async () => {
      signedInAs('carol');
      const exportCsv = () => auditExportRoute(request('/api/v1/audit/export'));
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await exportCsv());
      expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(answers[0]!.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(answers[1]!.headers.get('ratelimit')).toMatch(/^"audit_export";r=0;t=\d+$/);
      const refused = answers[2]!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('ratelimit-policy')).toBe('"audit_export";q=2;w=60');
      expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.stringMatching(/at most 2 per minute/) } });
      // Per user: another user's exports are not carol's.
      signedInAs('dave');
      expect((await exportCsv()).status).toBe(200);
    });

    it('every answer of a limited route after its hit carries RateLimit and RateLimit-Policy, not only 200 and 429', async () => {
      // Fresh windows: the tests above used up some of these quotas.
      await t.db.query('delete from rate_limits');
      clearRateLimitBlocks();
      const fields = (res: Response) => [res.status, res.headers.get('ratelimit-policy'), res.headers.get('ratelimit')];
      // 404: a valid key asking for a connection that is not its user's (the hit is counted first).
      const { key } = await createApiKey(t.db, { userId: 'carol', name: 'fields' });
      const unknown = crypto.randomUUID();
      const notFound = await accessToken(
        request(`/api/v1/connections/${unknown}/access-token`, { headers: { authorization: `Bearer ${key}` } }),
        params({ id: unknown }),
      );
      expect(fields(notFound)).toEqual([404, '"token_api";q=3;w=60', expect.stringMatching(/^"token_api";r=2;t=\d+$/)]);
      // 401: a bad key, counted against the client's auth failures.
      const bogus = await accessToken(
        request(`/api/v1/connections/${unknown}/access-token`, { headers: { authorization: 'Bearer gk_nope' } }),
        params({ id: unknown }),
      );
      expect(fields(bogus)).toEqual([401, '"auth_failures";q=5;w=60', expect.stringMatching(/^"auth_failures";r=\d+;t=\d+$/)]);
      // 404: "send a test event" without an endpoint.
      signedInAs('dave');
      const noEndpoint = await testEventRoute(request('/api/v1/notifications/test', { method: 'POST' }));
      expect(fields(noEndpoint)).toEqual([404, '"test_event";q=2;w=60', expect.stringMatching(/^"test_event";r=1;t=\d+$/)]);
      // 400: a Clerk webhook with a bad signature.
      setEnv(CLERK);
      try {
        const badSignature = await clerkWebhookRoute(
          request('/api/webhooks/clerk', {
            method: 'POST',
            headers: { 'svix-id': 'msg_fields', 'svix-timestamp': String(Math.floor(Date.now() / 1000)), 'svix-signature': 'v1,Zm9yZ2Vk' },
            body: '{"type":"user.created"}',
          }),
        );
        expect(fields(badSignature)).toEqual([400, '"clerk_webhook";q=3;w=60', expect.stringMatching(/^"clerk_webhook";r=\d+;t=\d+$/)]);
      } finally {
        unsetEnv(CLERK);
      }
    });
  });
});
