import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { expect, test } from './support/test';
import { expectDocumented } from './support/openapi';
import { startServer, waitForHealthy, type Server } from './support/server';
import { SIMULATOR_ADMIN_HEADERS } from './support/simulator-admin';

/**
 * The cron route on its own server with the in-process scheduler off, so every refresh seen here
 * was caused by the route: a missing or wrong secret does nothing, the right one sweeps.
 */
const CRON_SECRET = 'cron-secret-for-this-test-only';
let server: Server;
let api: APIRequestContext;

test.beforeAll(async () => {
  server = await startServer({
    env: { AUTH_MODE: 'local', SIMULATOR: 'on', SCHEDULER: 'off', CRON_SECRET, SIMULATOR_ACCESS_TOKEN_TTL: '20' },
  });
  await waitForHealthy(server);
  api = await playwrightRequest.newContext({ baseURL: server.url });
});
test.afterAll(async () => {
  await api?.dispose();
  await server?.stop();
});

/** Connects X through the simulator without a browser: authorize → consent (POST) → callback. */
async function connectX(): Promise<void> {
  const authorize = await api.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 });
  expect(authorize.status()).toBe(302);
  const consentUrl = authorize.headers().location!;
  const consent = await api.post(consentUrl, { form: { decision: 'allow', persona: 'x-riley' }, maxRedirects: 0 });
  expect(consent.status()).toBe(302);
  const callback = await api.get(consent.headers().location!, { maxRedirects: 0 });
  expect(callback.headers().location).toContain('outcome=connected');
}

const refreshCalls = async (): Promise<number> => {
  const state = await (await api.get('/api/simulator/_admin/state', { headers: SIMULATOR_ADMIN_HEADERS })).json();
  const calls = state.stats.x.tokenCalls.refresh_token ?? {};
  return Object.values(calls as Record<string, number>).reduce((a, b) => a + b, 0);
};

test('no secret or a wrong secret is 401 and refreshes nothing; the right secret sweeps', async () => {
  await connectX();
  // The 20 s token is due once it is within its 10 s lead.
  await new Promise((r) => setTimeout(r, 11_000));

  const none = await api.get('/api/cron/refresh-tokens');
  expect(none.status()).toBe(401);
  const wrong = await api.get('/api/cron/refresh-tokens', { headers: { authorization: `Bearer ${CRON_SECRET}x` } });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).error.code).toBe('unauthenticated');
  expect(JSON.stringify(await wrong.json())).not.toContain(CRON_SECRET);
  expect(await refreshCalls()).toBe(0);
  expect((await (await api.get('/api/health')).json()).scheduler.lastSweep).toBeNull();

  const ok = await api.get('/api/cron/refresh-tokens', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(ok.status()).toBe(200);
  // The summary (one that refreshed) and the refusal are what the OpenAPI document describes.
  await expectDocumented(api, ok, 'get');
  await expectDocumented(api, wrong, 'get');
  const summary = await ok.json();
  expect(summary).toMatchObject({ trigger: 'cron', claimed: 1, refreshed: 1, failed: 0, errors: [] });
  expect(await refreshCalls()).toBe(1);

  const health = await (await expectDocumented(api, await api.get('/api/health'), 'get')).json();
  expect(health.scheduler).toMatchObject({ mode: 'external', lastSweep: { trigger: 'cron', refreshed: 1 } });
});
