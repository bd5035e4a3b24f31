import { randomUUID } from 'node:crypto';
import { type APIRequestContext, type APIResponse } from '@playwright/test';
import { expect, test } from './support/test';
import { expectDocumented } from './support/openapi';
import { sharedServerOrigin } from './support/origin';
import { expectNoSeriousAxeViolations } from './support/page-checks';

/**
 * The OpenAPI document (GET /api/v1/openapi.json) against the running app: the main routes,
 * called for real, answer exactly what it describes (status and body schema, checked with ajv),
 * and /docs/api renders it with nothing from outside and no CSP complaint.
 */

test.describe.configure({ mode: 'serial' });

const CRON_SECRET = 'e2e-cron-secret';

/** Connects an X persona without a browser: authorize → consent → callback, each checked against the document. */
async function connectX(request: APIRequestContext, persona: string): Promise<string> {
  const authorize = await expectDocumented(request, await request.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 }), 'get');
  expect(authorize.status()).toBe(302);
  const consent = await request.post(authorize.headers().location!, { form: { decision: 'allow', persona }, maxRedirects: 0 });
  const callback = await expectDocumented(request, await request.get(consent.headers().location!, { maxRedirects: 0 }), 'get');
  const location = new URL(callback.headers().location!, callback.url());
  expect(location.searchParams.get('outcome')).toMatch(/connected/);
  return location.searchParams.get('connection')!;
}

test('the document is public, cacheable and describes every main route', async ({ request }) => {
  const res = await request.get('/api/v1/openapi.json');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toBe('public, max-age=300');
  const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe('3.1.0');
  for (const path of ['/api/v1/connections/{id}/access-token', '/api/cron/refresh-tokens', '/api/health', '/api/webhooks/clerk', '/api/v1/oauth/{provider}/refresh']) {
    expect(Object.keys(doc.paths)).toContain(path);
  }
  await expectDocumented(request, res, 'get');
});

test('the main routes answer what the document says', async ({ request }) => {
  const origin = sharedServerOrigin();
  const check = async (res: Promise<APIResponse>, method: string, status: number) => {
    const answered = await expectDocumented(request, await res, method);
    expect(answered.status(), `${method.toUpperCase()} ${answered.url()}: ${await answered.text()}`).toBe(status);
    return answered;
  };

  await check(request.get('/api/health'), 'get', 200);
  await check(request.get('/api/v1/me'), 'get', 200);
  await check(request.get('/api/v1/users/me'), 'get', 200);
  const id = await connectX(request, 'x-riley');
  await check(request.get('/api/v1/oauth/status'), 'get', 200);
  const firstOfOne = (await (await check(request.get('/api/v1/oauth/status?limit=1'), 'get', 200)).json()) as { next_cursor: string | null };
  if (firstOfOne.next_cursor) await check(request.get(`/api/v1/oauth/status?limit=1&cursor=${firstOfOne.next_cursor}`), 'get', 200);
  await check(request.get('/api/v1/oauth/status?limit=501'), 'get', 400);
  await check(request.get('/api/v1/oauth/status?cursor=not-ours'), 'get', 400);
  await check(request.get('/api/v1/oauth/status/summary'), 'get', 200);
  await check(request.get('/api/v1/users/me/accounts'), 'get', 200);
  const accountsOfOne = (await (await check(request.get('/api/v1/users/me/accounts?limit=1'), 'get', 200)).json()) as { next_cursor: string | null };
  if (accountsOfOne.next_cursor) await check(request.get(`/api/v1/users/me/accounts?limit=1&cursor=${accountsOfOne.next_cursor}`), 'get', 200);
  await check(request.get(`/api/v1/connections/${id}`), 'get', 200);
  await check(request.get(`/api/v1/connections/${randomUUID()}`), 'get', 404);

  // The token API, with and without a key.
  const created = await check(request.post('/api/v1/api-keys', { headers: origin, data: { name: 'openapi e2e' } }), 'post', 201);
  const { key, id: keyId } = (await created.json()) as { key: string; id: string };
  const bearer = { authorization: `Bearer ${key}` };
  await check(request.get('/api/v1/api-keys'), 'get', 200);
  await check(request.post('/api/v1/api-keys', { headers: origin, data: { nome: 'typo' } }), 'post', 400);
  await check(request.get(`/api/v1/connections/${id}/access-token`, { headers: bearer }), 'get', 200);
  await check(request.get(`/api/v1/connections/${id}/access-token`), 'get', 401);
  await check(request.get(`/api/v1/connections/${randomUUID()}/access-token`, { headers: bearer }), 'get', 404);

  // Refresh: ours, and the prototype's by our slug and by its own name for X.
  await check(request.post(`/api/v1/connections/${id}/refresh`, { headers: origin }), 'post', 200);
  await check(request.post(`/api/v1/oauth/x/refresh?connection=${id}`, { headers: origin }), 'post', 200);
  await check(request.post(`/api/v1/oauth/twitter/refresh?connection=${id}`, { headers: origin }), 'post', 200);
  // Every X connection of the user: the database is shared with other specs, some of whose X
  // grants are dead on purpose, so 200 (all refreshed) and 409 (per-connection reasons) are both
  // right; either way the answer must be what the document says, and name this connection as refreshed.
  const all = await expectDocumented(request, await request.post('/api/v1/oauth/twitter/refresh', { headers: origin }), 'post');
  expect([200, 409], await all.text()).toContain(all.status());
  const results = ((await all.json()) as { results: { connectionId: string; ok: boolean }[] }).results;
  expect(results.find((r) => r.connectionId === id)?.ok, 'this spec’s connection refreshed').toBe(true);
  await check(request.post(`/api/v1/oauth/linkedin/refresh?connection=${randomUUID()}`, { headers: origin }), 'post', 404);

  // Campaign insights and the audit export.
  await check(request.get('/api/v1/analytics/sync-status'), 'get', 200);
  const targetsOfOne = (await (await check(request.get('/api/v1/analytics/sync-status?limit=1'), 'get', 200)).json()) as { next_cursor: string | null };
  if (targetsOfOne.next_cursor) await check(request.get(`/api/v1/analytics/sync-status?limit=1&cursor=${targetsOfOne.next_cursor}`), 'get', 200);
  await check(request.get('/api/v1/analytics/sync-status?limit=501'), 'get', 400);
  await check(request.get(`/api/v1/analytics/sync-history/${id}`), 'get', 200);
  await check(request.get(`/api/v1/analytics/sync-history/${id}?limit=0`), 'get', 400);
  await check(request.get('/api/v1/analytics/insights?from=2026-01-01&to=2026-01-31', { headers: bearer }), 'get', 200);
  await check(request.get('/api/v1/analytics/insights?from=2026-01-01&to=2026-01-31&format=csv'), 'get', 200);
  await check(request.get('/api/v1/analytics/insights?from=2026-02-01&to=2026-01-01'), 'get', 400);
  await check(request.get('/api/v1/audit/export'), 'get', 200);

  // Notifications: set a receiver nobody listens on, test it, list, remove.
  await check(request.get('/api/v1/notifications/endpoint'), 'get', 200);
  await check(request.put('/api/v1/notifications/endpoint', { headers: origin, data: { url: 'https://127.0.0.1:9/hooks/openapi-spec' } }), 'put', 201);
  await check(request.post('/api/v1/notifications/test', { headers: origin }), 'post', 200);
  await check(request.get('/api/v1/notifications/deliveries'), 'get', 200);
  await check(request.delete('/api/v1/notifications/endpoint', { headers: origin }), 'delete', 204);

  // The cron route, refused and run.
  await check(request.get('/api/cron/refresh-tokens'), 'get', 401);
  await check(request.get('/api/cron/refresh-tokens', { headers: { authorization: `Bearer ${CRON_SECRET}` } }), 'get', 200);

  // Disconnect through the prototype's route, then ours (already revoked), then nothing left.
  await check(request.delete(`/api/v1/oauth/x/disconnect?connection=${id}`, { headers: origin }), 'delete', 200);
  await check(request.delete(`/api/v1/connections/${id}`, { headers: origin }), 'delete', 200);
  await check(request.delete(`/api/v1/oauth/x/disconnect?connection=${id}`, { headers: origin }), 'delete', 404);
  await check(request.post(`/api/v1/connections/${id}/refresh`, { headers: origin }), 'post', 409);
  await check(request.delete(`/api/v1/api-keys/${keyId}`, { headers: origin }), 'delete', 204);
  await check(request.delete(`/api/v1/api-keys/${keyId}`, { headers: origin }), 'delete', 404);
});

test('a response the document does not describe fails the check', async ({ request }) => {
  // The helper is what keeps the document honest: prove it refuses an undocumented status.
  const res = await request.delete('/api/health', { headers: sharedServerOrigin() });
  expect(res.status()).toBe(405);
  await expect(expectDocumented(request, res, 'delete')).rejects.toThrow(/not in the document/);
});

test('/docs/api renders the document with nothing from elsewhere and no CSP violation', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  const complaints: string[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).origin !== new URL(baseURL!).origin) foreign.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') complaints.push(msg.text());
  });
  const res = await page.goto('/docs/api');
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self' 'nonce-");
  await expect(page.getByRole('heading', { level: 1, name: 'Grantkeeper API' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: '/api/v1/connections/{id}/access-token' })).toBeVisible();
  await expect(page.getByText('deprecated', { exact: true })).toHaveCount(4);
  await expect(page.getByRole('cell', { name: 'needs_reauth' })).toBeVisible();
  // A response's schema opens without any script.
  await page.locator('#getApiV1ConnectionsIdAccessToken summary', { hasText: '200' }).click();
  await expect(page.locator('#getApiV1ConnectionsIdAccessToken').getByText('access_token', { exact: true })).toBeVisible();
  await expectNoSeriousAxeViolations(page, '/docs/api');
  expect(foreign).toEqual([]);
  expect(complaints).toEqual([]);
});
