import { expect, test as base } from './support/test';
import { type CryptoKey } from 'jose';
import { clerkServerEnv, makeClerkKeys, mintSession, newUserId, sessionHeaders } from './support/clerk';
import { sameOrigin } from './support/origin';
import { startServer, waitForHealthy, type Server } from './support/server';

/**
 * Clerk mode started with `-H 127.0.0.1` (issue 8, item 24: every signed-in request was a 500
 * "Failed to proxy … socket hang up", or no answer at all under `next start`), and the same-origin
 * rule for cookie sessions (item 2) on that server.
 */

let server: Server;
let signingKey: CryptoKey;

const test = base.extend({
  baseURL: async ({}, provide) => provide(server?.url),
});

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const keys = await makeClerkKeys();
  signingKey = keys.signingKey;
  server = await startServer({ host: '127.0.0.1', env: clerkServerEnv(keys) });
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await waitForHealthy(server, 90_000);
});

test.afterAll(async () => {
  await server?.stop();
});

test('item 24: under -H 127.0.0.1, signed-in pages and APIs answer', async ({ request }) => {
  const sub = newUserId();
  const session = await mintSession(server.url, signingKey, sub);
  const quick = { timeout: 20_000, maxRedirects: 0 };

  const me = await request.get('/api/v1/me', { ...quick, headers: sessionHeaders(session) });
  expect(me.status(), await me.text()).toBe(200);
  expect(await me.json()).toEqual({ id: sub, authMode: 'clerk' });

  const dashboard = await request.get('/', { ...quick, headers: { ...sessionHeaders(session), accept: 'text/html', 'sec-fetch-dest': 'document' } });
  expect(dashboard.status()).toBe(200);
  expect(await dashboard.text()).toContain(`data-user-id="${sub}"`);
  expect(dashboard.headers()['content-security-policy']).toContain("'nonce-");

  const settings = await request.get('/settings', { ...quick, headers: { ...sessionHeaders(session), accept: 'text/html', 'sec-fetch-dest': 'document' } });
  expect(settings.status()).toBe(200);
  expect(await settings.text()).toContain('API keys');
  // Signed out, Clerk still answers (a redirect to its sign-in), rather than hanging.
  const signedOut = await request.get('/', { ...quick, headers: { accept: 'text/html', 'sec-fetch-dest': 'document' } });
  expect(signedOut.status()).toBeGreaterThanOrEqual(300);
  expect(signedOut.status()).toBeLessThan(400);
});

test('item 2: a session cookie with a foreign Origin cannot POST or DELETE', async ({ request }) => {
  const session = await mintSession(server.url, signingKey, newUserId());
  const cookie = sessionHeaders(session);
  const list = async () =>
    ((await (await request.get('/api/v1/api-keys', { headers: cookie })).json()) as { apiKeys: { id: string; name: string }[] }).apiKeys;
  const foreign = { ...cookie, origin: 'https://attacker.example' };

  const refused = await request.post('/api/v1/api-keys', { headers: foreign, data: { name: 'cross-site' } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe('forbidden');
  expect(await list()).toEqual([]);

  const created = await request.post('/api/v1/api-keys', { headers: { ...cookie, ...sameOrigin(server.url) }, data: { name: 'mine' } });
  expect(created.status()).toBe(201);
  const [key] = await list();
  expect(key?.name).toBe('mine');

  const deleted = await request.delete(`/api/v1/api-keys/${key!.id}`, { headers: foreign });
  expect(deleted.status()).toBe(403);
  expect((await list()).map((k) => k.id)).toEqual([key!.id]);

  // The browser's own word also counts; and our Origin deletes it, so the refusals were the check.
  const sameSite = await request.delete(`/api/v1/api-keys/${key!.id}`, { headers: { ...cookie, 'sec-fetch-site': 'same-site' } });
  expect(sameSite.status()).toBe(403);
  const own = await request.delete(`/api/v1/api-keys/${key!.id}`, { headers: { ...cookie, 'sec-fetch-site': 'same-origin' } });
  expect(own.status()).toBe(204);
  expect(await list()).toEqual([]);
});
