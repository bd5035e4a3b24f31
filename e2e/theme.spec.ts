import { type Locator, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { expectHydrated, expectNoHorizontalScroll, expectNoSeriousAxeViolations, saveScreenshot } from './support/page-checks';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Dark mode (issue 10, item 11): with no choice made the pages follow the system's
 * prefers-color-scheme; the header's toggle (light / dark / system) switches at once, beats the
 * system, and is remembered across reloads because the server renders the class from a cookie.
 * Both themes pass axe, colour contrast included, and every page is photographed in both themes
 * at a phone and a desktop width. The database is shared with the other spec files.
 */

test.describe.configure({ mode: 'serial' });

const WIDTHS = [375, 1440] as const;
const SCHEMES = ['light', 'dark'] as const;

let connectionId = '';

const PAGES: { name: string; path: () => string; ready: (p: Page) => Locator }[] = [
  { name: 'dashboard', path: () => '/', ready: (p) => p.getByRole('heading', { level: 1 }) },
  { name: 'connection', path: () => `/connections/${connectionId}`, ready: (p) => p.getByRole('heading', { level: 1 }) },
  // Settled: the figures (or the reason there are none), not the loading skeleton.
  { name: 'insights', path: () => '/insights', ready: (p) => p.locator('[data-testid="insights-results"]:not([data-state="loading"]), [data-testid="insights-empty"]') },
  { name: 'audit', path: () => '/audit', ready: (p) => p.getByRole('heading', { level: 1, name: 'Audit log' }) },
  { name: 'settings', path: () => '/settings', ready: (p) => p.getByRole('heading', { level: 1, name: 'Settings' }) },
  { name: 'oauth-error', path: () => '/oauth/error?outcome=invalid_state', ready: (p) => p.getByTestId('oauth-error') },
  { name: 'signed-out', path: () => '/signed-out', ready: (p) => p.getByRole('heading', { level: 1 }) },
];

/**
 * The relative luminance (0 black … 1 white) of the page's painted background. The browser turns
 * the computed colour (oklch here) into sRGB by drawing it on a canvas.
 */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const color = getComputedStyle(document.body).backgroundColor;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3), (v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}

/** Polled: a switch repaints on React's commit, and the background may still be fading to it. */
async function expectTheme(page: Page, theme: 'light' | 'dark', where: string): Promise<void> {
  const luminance = expect.poll(() => backgroundLuminance(page), { message: `${where}: background should be ${theme}` });
  if (theme === 'dark') await luminance.toBeLessThan(0.05);
  else await luminance.toBeGreaterThan(0.8);
}

/** The toggle acts only once hydrated: a click or Enter before that reaches inert server HTML and is lost. */
async function hydratedThemeButton(page: Page, name: 'Light theme' | 'Dark theme' | 'System theme'): Promise<Locator> {
  const button = themeButton(page, name);
  await expectHydrated(button, name);
  return button;
}

const themeButton = (page: Page, name: 'Light theme' | 'Dark theme' | 'System theme'): Locator =>
  page.getByTestId('theme-toggle').getByRole('button', { name });

test('fixture: a connection to show on its own page', async ({ page }) => {
  ({ connectionId } = await connectThroughConsent(page, { provider: 'x', persona: 'x-sam' }));
});

for (const { name, path, ready } of PAGES) {
  test(`${name}: follows the system's light and dark, axe clean (contrast included) in both, screenshots at 375 and 1440 px`, async ({
    page,
  }, testInfo) => {
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const response = await page.goto(path());
        expect(response?.status(), `GET ${path()}`).toBe(200);
        await expect(ready(page)).toBeVisible();
        await page.waitForLoadState('networkidle');
        const where = `${path()} in ${scheme} at ${width}px`;
        await expectTheme(page, scheme, where);
        await expectNoSeriousAxeViolations(page, where);
        await saveScreenshot(page, testInfo, `theme-${name}-${scheme}-${width}`);
        await expectNoHorizontalScroll(page, where);
      }
    }
  });
}

test.describe('with the system in dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('the pages render dark before any choice, and the toggle shows "system"', async ({ page }) => {
    for (const path of ['/', '/audit', '/settings']) {
      await page.goto(path);
      await expectTheme(page, 'dark', path);
      await expect(page.locator('html')).not.toHaveClass(/\b(light|dark)\b/);
    }
    await expect(themeButton(page, 'System theme')).toHaveAttribute('aria-pressed', 'true');
  });

  test('choosing light beats the system, at once and after a reload; "system" follows it again', async ({ page }) => {
    await page.goto('/');
    await (await hydratedThemeButton(page, 'Light theme')).click();
    await expect(themeButton(page, 'Light theme')).toHaveAttribute('aria-pressed', 'true');
    await expectTheme(page, 'light', 'after choosing light');
    await expectNoSeriousAxeViolations(page, 'the dashboard after choosing light');

    await page.reload();
    await expectTheme(page, 'light', 'light, after a reload');
    await expect(themeButton(page, 'Light theme')).toHaveAttribute('aria-pressed', 'true');
    await page.goto('/audit');
    await expectTheme(page, 'light', '/audit with light chosen');

    await (await hydratedThemeButton(page, 'System theme')).click();
    await expectTheme(page, 'dark', 'back to the system (dark)');
    await page.reload();
    await expectTheme(page, 'dark', 'system, after a reload');
    await expect(themeButton(page, 'System theme')).toHaveAttribute('aria-pressed', 'true');
  });
});

test('choosing dark on a light system switches at once, is remembered after a reload, and the server renders it', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/settings');
  await expectTheme(page, 'light', 'a light system, no choice');
  await (await hydratedThemeButton(page, 'Dark theme')).click();
  await expect(themeButton(page, 'Dark theme')).toHaveAttribute('aria-pressed', 'true');
  await expectTheme(page, 'dark', 'after choosing dark');

  await page.reload();
  await expectTheme(page, 'dark', 'dark, after a reload');
  await expect(themeButton(page, 'Dark theme')).toHaveAttribute('aria-pressed', 'true');
  await expectNoSeriousAxeViolations(page, '/settings with dark chosen');

  // The server's own HTML carries the class (no script needed before paint, none flashes light).
  const html = await (await page.request.get('/', { headers: { accept: 'text/html' } })).text();
  expect(html).toMatch(/<html[^>]*class="dark"/);

  // The keyboard reaches the toggle and the choice sticks there too.
  await (await hydratedThemeButton(page, 'Light theme')).focus();
  await page.keyboard.press('Enter');
  await expectTheme(page, 'light', 'after choosing light with the keyboard');
  await page.reload();
  await expectTheme(page, 'light', 'light, after a reload');
});
