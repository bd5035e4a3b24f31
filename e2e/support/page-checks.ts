import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

/**
 * axe on the page as it is now: no serious or critical violation, with a readable report if there is.
 * `include` limits it to these parts (CSS selectors) where the rest was checked already.
 */
export async function expectNoSeriousAxeViolations(page: Page, where: string, include?: string[]): Promise<void> {
  await finiteAnimationsSettled(page);
  let builder = new AxeBuilder({ page });
  for (const selector of include ?? []) builder = builder.include(selector);
  const results = await builder.analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
  }));
  expect(report, `axe violations on ${where}:\n${JSON.stringify(report, null, 2)}`).toEqual([]);
}

/**
 * Where an element is on the screen, once it is there. `boundingBox()` answers null for an element
 * that is attached but not shown — e.g. a page still in React's hidden streamed copy, which React
 * reveals a little later by moving its nodes into place (CI measured the banner then, and failed).
 */
export async function visibleBox(locator: Locator, what?: string): Promise<{ x: number; y: number; width: number; height: number }> {
  await expect(locator, what).toBeVisible();
  const box = await locator.boundingBox();
  expect(box, `${what ?? 'the element'} has a box on the screen`).not.toBeNull();
  return box!;
}

/**
 * Waits until React has hydrated this element: shown (not in the hidden streamed copy) and with its
 * event handlers attached (React sets a `__reactProps$…` key on each node it hydrates). A click,
 * a key press or a focus before that reaches server HTML that does nothing — on CI's busy cores
 * hydration comes seconds after the page is visible, and the action was lost.
 */
export async function expectHydrated(locator: Locator, what?: string): Promise<void> {
  await expect(locator, what).toBeVisible();
  await expect
    .poll(() => locator.evaluate((el) => Object.keys(el).some((k) => k.startsWith('__reactProps$'))), {
      message: `${what ?? 'the element'} is hydrated`,
    })
    .toBe(true);
}

/** A full-page screenshot into test-results/screenshots/, attached to the report. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const file = path.join(testInfo.project.outputDir, 'screenshots', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  expect(fs.statSync(file).size).toBeGreaterThan(1_000);
  return file;
}

/** Nothing may force sideways scrolling, least of all on a phone. */
export async function expectNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${where}`).toBeLessThanOrEqual(0);
}

/**
 * Waits (up to 3 s) until no finite animation or transition is running, so axe measures colours
 * as they will be seen, not mid-fade (a toast sliding in measured 1.16:1). Endless ones (skeleton
 * pulse, spinners) are not waited for.
 */
async function finiteAnimationsSettled(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
      undefined,
      { timeout: 3_000, polling: 100 },
    )
    .catch(() => undefined);
}
