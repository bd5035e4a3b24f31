import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Page, type Response } from '@playwright/test';
import { expect, test } from './support/test';

/**
 * Local single-operator mode on a fresh embedded database: the server from playwright.config.ts
 * (AUTH_MODE=local, SIMULATOR=on, GRANTKEEPER_DATA_DIR=$E2E_DATA_DIR).
 */

/** Every response the page received from our own server. */
function trackOwnResponses(page: Page, baseURL: string): Response[] {
  const responses: Response[] = [];
  const origin = new URL(baseURL).origin;
  page.on('response', (res) => {
    if (new URL(res.url()).origin === origin) responses.push(res);
  });
  return responses;
}

/** Static build assets are excluded from proxy.ts by its matcher; everything else goes through it. */
function passesThroughProxy(url: string): boolean {
  const { pathname } = new URL(url);
  return !pathname.startsWith('/_next/static/') && !/\.(?:svg|png|jpg|ico|css|js|woff2?)$/.test(pathname);
}

test('the dashboard renders with the local operator and the defaults banner', async ({ page, baseURL }) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  page.on('requestfailed', (req) => problems.push(`failed: ${req.url()} (${req.failure()?.errorText})`));
  const responses = trackOwnResponses(page, baseURL!);

  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page).toHaveTitle('Grantkeeper');
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();

  const signedIn = page.getByTestId('signed-in-as');
  await expect(signedIn).toContainText('Signed in as');
  await expect(signedIn.locator('[data-user-id="local"]')).toHaveText('Local operator');
  await expect(signedIn).toContainText('local sign-in');

  const banner = page.getByTestId('defaults-banner');
  await expect(banner).toBeVisible();
  await expect(banner.locator('li[data-default]')).toHaveCount(4);
  const item = (id: string) => banner.locator(`li[data-default="${id}"]`);

  await expect(item('database')).toContainText('Embedded database');
  // The fresh data directory this run's server was given, not a developer's .data/.
  await expect(item('database')).toContainText(process.env.E2E_DATA_DIR!);
  await expect(item('database')).toContainText('Set DATABASE_URL');

  await expect(item('sign-in')).toContainText('Local sign-in');
  await expect(item('sign-in')).toContainText('Set CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY and CLERK_JWT_KEY');

  await expect(item('simulator')).toContainText('Provider simulator');
  await expect(item('simulator')).toContainText('SIMULATOR=off');

  await expect(item('key')).toContainText('Generated encryption key');
  await expect(item('key')).toContainText('Set ENCRYPTION_KEYS');
  await expect(item('key')).toContainText('npm run keys:generate');

  await page.waitForLoadState('networkidle');
  const throughProxy = responses.filter((r) => passesThroughProxy(r.url()));
  expect(throughProxy.length).toBeGreaterThan(0);
  for (const res of throughProxy) {
    expect(res.headers()['x-request-id'], `x-request-id on ${res.url()}`).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  }
  expect(problems, 'browser console errors / uncaught exceptions').toEqual([]);
});

test('GET /api/health reports ok with the database up and no pending migrations', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(res.headers()['x-request-id']).toBeTruthy();
  expect(res.headers()['cache-control']).toContain('no-store');
  const body = await res.json();
  expect(body).toMatchObject({
    status: 'ok',
    database: { status: 'up', driver: 'pglite', migrations: { pending: [] } },
  });
  expect(body.database.migrations.applied).toBeGreaterThan(0);
  // Nothing in health names where the data lives or how to reach it.
  expect(JSON.stringify(body)).not.toContain(process.env.E2E_DATA_DIR!);
});

test('every response carries an x-request-id, and a caller’s well-formed id is echoed back', async ({ request }) => {
  for (const url of ['/', '/api/health', '/api/v1/me', '/does-not-exist']) {
    const res = await request.get(url, { maxRedirects: 0 });
    expect(res.headers()['x-request-id'], `x-request-id on ${url} (HTTP ${res.status()})`).toMatch(
      /^[A-Za-z0-9._:-]{8,128}$/,
    );
  }

  const mine = 'e2e-trace-0123456789';
  const echoed = await request.get('/api/health', { headers: { 'x-request-id': mine } });
  expect(echoed.headers()['x-request-id']).toBe(mine);

  const hostile = await request.get('/api/health', { headers: { 'x-request-id': 'bad id\twith <html>' } });
  const replaced = hostile.headers()['x-request-id'];
  expect(replaced).toBeTruthy();
  expect(replaced).not.toContain('<html>');

  const me = await request.get('/api/v1/me');
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ id: 'local', authMode: 'local' });
});

test('screenshots of / at 1440px and 375px', async ({ page }, testInfo) => {
  const dir = path.join(testInfo.project.outputDir, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });

  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
    await page.waitForLoadState('networkidle');
    const file = path.join(dir, `dashboard-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`dashboard-${width}`, { path: file, contentType: 'image/png' });
    expect(fs.statSync(file).size).toBeGreaterThan(1_000);

    // Nothing may force sideways scrolling, least of all on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
  }
});

test('axe finds no serious or critical accessibility violations on /', async ({ page }) => {
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await expect(page.getByTestId('defaults-banner')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const report = blocking.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
    expect(report, `axe violations at ${width}px:\n${JSON.stringify(report, null, 2)}`).toEqual([]);
  }
});
