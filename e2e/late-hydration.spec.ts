import { expectHydrated } from './support/page-checks';
import { expect, test } from './support/test';

/**
 * On CI's busy cores the page is on screen seconds before React has hydrated it; a click, a key or
 * a focus in that time reaches the server's HTML, which does nothing, and the check after it waits
 * in vain (the theme toggle, Disconnect, Sync now, the banner's summary were all clicked that way).
 * Here every script arrives 3 s late, so the page is visible and inert for that long on any
 * machine: `expectHydrated` must hold the action until it works. (Without it the click below lands
 * while the page is inert and aria-pressed never changes: the test fails.)
 */
test('with the scripts late, an action waits for hydration and is not lost', async ({ page }) => {
  await page.route('**/_next/static/chunks/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.continue();
  });
  await page.emulateMedia({ colorScheme: 'light' });
  // Not the load event, which waits for the scripts: the checks start as soon as the HTML is in.
  await page.goto('/settings', { waitUntil: 'commit' });
  const dark = page.getByTestId('theme-toggle').getByRole('button', { name: 'Dark theme' });
  await expect(dark).toBeVisible();
  const hydrated = () => dark.evaluate((el) => Object.keys(el).some((k) => k.startsWith('__reactProps$')));
  expect(await hydrated(), 'the toggle is on screen before it works').toBe(false);
  await expectHydrated(dark, 'Dark theme');
  await dark.click();
  await expect(dark).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
});
