import fs from 'node:fs';
import path from 'node:path';
import { type Browser } from '@playwright/test';
import { expect, test } from './support/test';
import { expectHydrated, expectNoSeriousAxeViolations, saveScreenshot, visibleBox } from './support/page-checks';
import { startServer, waitForHealthy, type Server } from './support/server';

/**
 * Issue 10's first-run test, in one story on a server of its own with a fresh data directory
 * (nothing configured beyond what `npm run dev` would have): on a phone, the defaults banner is one
 * compact line and remembers being opened; the top "Connect an account" action is visible without
 * scrolling and leads to the connect panel; connecting brings the new card into view, marks it, and
 * the toast names the account and the provider.
 */

let server: Server;

test.beforeAll(async () => {
  server = await startServer({ env: { AUTH_MODE: 'local', SIMULATOR: 'on' } });
  await waitForHealthy(server);
});
test.afterAll(async () => {
  await server?.stop();
});

async function phonePage(browser: Browser) {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 375, height: 812 } });
  return { context, page: await context.newPage() };
}

test('a fresh data directory: compact banner remembered, connect from the top action on a phone, the card highlighted and named', async ({
  browser,
}, testInfo) => {
  // Fresh: the data directory holds nothing from another spec, and the first start made its key.
  expect(fs.existsSync(path.join(server.dataDir, 'encryption.key')), 'the embedded default generated its key').toBe(true);

  const { context, page } = await phonePage(browser);
  await page.goto('/');
  // Shown first: a count of 0 alone would pass while the list is still streaming in.
  await expect(page.getByTestId('no-connections')).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveCount(0);

  // The banner: one compact block, closed, its details one click away, and remembered.
  const banner = page.getByTestId('defaults-banner');
  const summary = page.getByTestId('defaults-summary');
  await expect(summary).toContainText('Running on the embedded defaults');
  await expect(banner.locator('details')).not.toHaveAttribute('open');
  expect((await visibleBox(banner, 'the defaults banner')).height, 'compact on a phone').toBeLessThan(812 * 0.15);
  // Hydrated first: a click before that opens the details natively, but nothing remembers it.
  await expectHydrated(summary, 'the banner summary');
  await summary.click();
  await expect(banner.locator('li[data-default="database"]')).toBeVisible();
  await expect.poll(async () => (await context.cookies()).find((c) => c.name === 'gk_defaults_banner')?.value).toBe('open');
  await page.reload();
  await expect(banner.locator('li[data-default="database"]'), 'opened stays opened').toBeVisible();
  await expectHydrated(summary, 'the banner summary');
  await summary.click();
  await expect.poll(async () => (await context.cookies()).find((c) => c.name === 'gk_defaults_banner')?.value).toBe('closed');
  await page.reload();
  await expect(banner.locator('details'), 'closed stays closed').not.toHaveAttribute('open');
  await expectNoSeriousAxeViolations(page, 'first run at 375 px');

  // The top action is on the first screen and leads to the connect panel.
  const jump = page.getByRole('link', { name: 'Connect an account' });
  await expect(jump).toBeInViewport();
  await jump.click();
  const panel = page.getByTestId('connect-panel');
  await expect(panel.getByRole('heading', { name: 'Connect an account' })).toBeInViewport();

  // Connect LinkedIn through the simulator's consent page.
  const callback = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/oauth/linkedin/callback');
  await panel.getByTestId('connect-linkedin').getByRole('link', { name: 'Connect' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/api/simulator/linkedin/'));
  await page.getByTestId('sim-account-linkedin-maya').check();
  await page.getByTestId('sim-allow').click();
  const location = new URL((await callback).headers()['location']!, page.url());
  const connectionId = location.searchParams.get('connection');
  expect(connectionId, 'the callback names the new connection').toMatch(/^[0-9a-f-]{36}$/);
  await page.waitForURL((url) => url.pathname === '/');

  // A first connect says "Connected" (never "Reconnected"), with the account and the provider.
  const toast = page.locator('[data-sonner-toast]').filter({ has: page.locator('[data-title]').getByText(/^Connected Maya Lindqvist \(LinkedIn\)$/) });
  await expect(toast).toBeVisible();
  const card = page.locator(`[data-testid="connection"][data-connection-id="${connectionId}"]`);
  await expect(card).toHaveAttribute('data-highlighted', 'true');
  await expect(card).toBeInViewport();
  await expect(page.getByTestId('connection')).toHaveCount(1);
  await saveScreenshot(page, testInfo, 'first-run-connected-375');
  await context.close();
});
