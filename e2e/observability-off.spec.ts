import { expect, test } from './support/test';

/**
 * Issue 11 §4, on the shared server (no METRICS_TOKEN, no SENTRY_DSN): the metrics route does not
 * exist, and no page pulls a byte of Sentry into the browser or lets it talk to anyone but us.
 */

test('without METRICS_TOKEN /api/metrics is a 404, whatever the caller sends', async ({ request }) => {
  for (const headers of [{}, { authorization: 'Bearer anything-at-all-0123456789' }] as Record<string, string>[]) {
    const res = await request.get('/api/metrics', { headers });
    expect(res.status()).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  }
});

test('without SENTRY_DSN the browser loads no Sentry code and may connect only to this origin', async ({ page }) => {
  const scripts: Promise<string>[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script') scripts.push(res.text().catch(() => ''));
  });
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toMatch(/connect-src 'self'(;|$)/);
  await page.waitForLoadState('networkidle');
  const bodies = await Promise.all(scripts);
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies) expect(body).not.toMatch(/__SENTRY__|sentry_key|@sentry\//);
  expect(await page.evaluate(() => '__SENTRY__' in window)).toBe(false);
});
