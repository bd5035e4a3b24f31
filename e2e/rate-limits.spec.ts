import crypto from 'node:crypto';
import { expect, test } from './support/test';
import { startServer, waitForHealthy, type Server } from './support/server';

/**
 * The limits through the real server (the shared suite runs with RATE_LIMITS=off): a flood of
 * bad API keys and of key creations ends in 429 with Retry-After and the RateLimit fields.
 */

let server: Server;

test.beforeAll(async () => {
  server = await startServer({
    env: {
      AUTH_MODE: 'local',
      SIMULATOR: 'on',
      RATE_LIMITS: 'on',
      RATE_LIMIT_AUTH_FAILURES: '3/60s',
      RATE_LIMIT_API_KEY_CREATE: '2/1h',
    },
  });
  await waitForHealthy(server);
});
test.afterAll(() => server?.stop());

test('a flood of bad API keys gets 429 with Retry-After and RateLimit fields', async () => {
  const responses = [];
  for (let i = 0; i < 5; i++) {
    const bogus = `gk_${crypto.randomBytes(6).toString('hex')}_${crypto.randomBytes(32).toString('base64url')}`;
    responses.push(
      await fetch(`${server.url}/api/v1/connections/${crypto.randomUUID()}/access-token`, { headers: { authorization: `Bearer ${bogus}` } }),
    );
  }
  expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
  const refused = responses[4]!;
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(refused.headers.get('ratelimit-policy')).toBe('"auth_failures";q=3;w=60');
  expect(refused.headers.get('ratelimit')).toBe(`"auth_failures";r=0;t=${retryAfter}`);
  const body = (await refused.json()) as { error: { code: string; message: string; requestId?: string } };
  expect(body.error).toMatchObject({ code: 'rate_limited', requestId: refused.headers.get('x-request-id') });
  expect(server.output()).not.toMatch(/gk_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}/);
});

test('creating API keys is limited per user', async () => {
  const create = (name: string) =>
    fetch(`${server.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ name }),
    });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await create(`key ${i}`)).status);
  expect(statuses).toEqual([201, 201, 429]);
});
