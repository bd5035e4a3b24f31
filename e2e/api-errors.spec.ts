import { type APIResponse } from '@playwright/test';
import { expect, test } from './support/test';
import { SIMULATOR_ADMIN_HEADERS } from './support/simulator-admin';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations } from './support/page-checks';

/**
 * Every /api path answers JSON in one error shape (unknown paths 404, wrong methods 405 with
 * Allow), garbage input is a 400 rather than a database error, and every other unknown page is
 * the branded 404 — on the server from playwright.config.ts (local mode, embedded database).
 */

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

async function expectApiError(res: APIResponse, status: number, code: string) {
  expect(res.status(), await res.text()).toBe(status);
  expect(res.headers()['content-type']).toContain('application/json');
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body).toEqual({ error: { code, message: expect.any(String), requestId: expect.stringMatching(REQUEST_ID) } });
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

test.describe('every /api path answers JSON', () => {
  test('unknown API paths are a JSON 404, whatever the method and depth', async ({ request, baseURL }) => {
    await expectApiError(await request.get('/api/nope'), 404, 'not_found');
    await expectApiError(await request.get('/api/v1/connections/00000000-0000-4000-8000-000000000000/nope'), 404, 'not_found');
    await expectApiError(await request.post('/api/v2/things', { headers: { origin: baseURL! }, data: {} }), 404, 'not_found');
    // The more specific catch-all still wins.
    expect((await request.get('/api/simulator/_admin/state', { headers: SIMULATOR_ADMIN_HEADERS })).status()).toBe(200);
  });

  test('a wrong method is a JSON 405 that says what is allowed', async ({ request, baseURL }) => {
    const res = await request.delete('/api/health', { headers: { origin: baseURL! } });
    await expectApiError(res, 405, 'method_not_allowed');
    expect(res.headers()['allow']).toBe('GET, HEAD, OPTIONS');

    const post = await request.post('/api/v1/connections/00000000-0000-4000-8000-000000000000/access-token', {
      headers: { origin: baseURL! },
    });
    await expectApiError(post, 405, 'method_not_allowed');
    expect(post.headers()['allow']).toBe('GET, HEAD, OPTIONS');

    const put = await request.put('/api/v1/api-keys', { headers: { origin: baseURL! }, data: {} });
    await expectApiError(put, 405, 'method_not_allowed');
    expect(put.headers()['allow']).toBe('GET, POST, HEAD, OPTIONS');

    // The methods that exist still work.
    expect((await request.get('/api/health')).status()).toBe(200);
  });
});

test.describe('garbage input is a 400, never a 500', () => {
  test('an API key name with NUL is refused and nothing is created', async ({ request, baseURL }) => {
    const list = async () => ((await (await request.get('/api/v1/api-keys')).json()) as { apiKeys: unknown[] }).apiKeys.length;
    const before = await list();
    for (const name of ['nightly\u0000sync', 'esc\u001b[31m']) {
      await expectApiError(await request.post('/api/v1/api-keys', { headers: { origin: baseURL! }, data: { name } }), 400, 'bad_request');
    }
    expect(await list()).toBe(before);
  });

  test('an OAuth callback with %00 is a 400 and leaves the state usable', async ({ request }) => {
    const start = await request.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 });
    expect(start.status()).toBe(302);
    const state = new URL(start.headers()['location']!).searchParams.get('state')!;
    expect(state).toBeTruthy();

    const res = await request.get(`/api/v1/oauth/x/callback?state=${encodeURIComponent(state)}&error=access%00denied`, { maxRedirects: 0 });
    await expectApiError(res, 400, 'bad_request');

    // Refused before the state was looked at: the real answer still finds it.
    const denied = await request.get(`/api/v1/oauth/x/callback?state=${encodeURIComponent(state)}&error=access_denied`, { maxRedirects: 0 });
    expect(denied.status()).toBe(303);
    expect(new URL(denied.headers()['location']!).searchParams.get('outcome')).toBe('consent_denied');
  });
});

test('an unknown page is the branded 404', async ({ page }) => {
  const res = await page.goto('/nope/deeper');
  expect(res?.status()).toBe(404);
  const card = page.getByTestId('page-not-found');
  await expect(card.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expect(page.getByRole('link', { name: 'Grantkeeper' })).toHaveAttribute('href', '/');
  await expect(card.getByRole('link', { name: 'Back to the dashboard' })).toHaveAttribute('href', '/');
  await expect(page).toHaveTitle('Page not found · Grantkeeper');
  await expectNoSeriousAxeViolations(page, 'the 404 page');
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoHorizontalScroll(page, 'the 404 page at 375px');
});
