import { expect, test as base, type Browser, type BrowserContext, type Page } from '@playwright/test';

/**
 * `test` and `expect` for every spec: Playwright's own, plus — only when E2E_SLOW=1 — a slow link
 * and a slow CPU on every page (40 KB/s each way, 20 ms latency, CPU throttled 4×, through CDP).
 * CI runs on 2 busy cores, where React's streamed copy stays hidden longer and hydration comes
 * later than on a laptop; checks that do not wait for visibility or hydration failed there and
 * passed locally. E2E_SLOW=1 makes those races lose here too:
 *   E2E_SLOW=1 nice -n 19 npx playwright test e2e/first-screen.spec.ts
 * Without it nothing changes (the normal run is not slowed). playwright.config.ts lengthens the
 * timeouts in that mode, so a check fails on a race, not on the slow link itself.
 */
export const E2E_SLOW = process.env.E2E_SLOW === '1';

const slowed = new WeakMap<Page, Promise<void>>();
const patched = new WeakSet<object>();

/** Throttles one page (once), before the caller gets it. */
function slowPage(page: Page): Promise<void> {
  let done = slowed.get(page);
  if (!done) {
    done = (async () => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 40_000, uploadThroughput: 40_000 });
    })();
    slowed.set(page, done);
  }
  return done;
}

/** Every page of this context: newPage() resolves only once the page is throttled; popups as they open. */
function slowContext(context: BrowserContext): BrowserContext {
  if (patched.has(context)) return context;
  patched.add(context);
  const newPage = context.newPage.bind(context);
  context.newPage = async () => {
    const page = await newPage();
    await slowPage(page);
    return page;
  };
  context.on('page', (page) => void slowPage(page).catch(() => undefined));
  for (const page of context.pages()) void slowPage(page).catch(() => undefined);
  return context;
}

/** Contexts and pages a spec makes itself (browser.newContext / browser.newPage) are slowed too. */
function slowBrowser(browser: Browser): void {
  if (patched.has(browser)) return;
  patched.add(browser);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => slowContext(await newContext(options));
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    await slowPage(page);
    return page;
  };
}

export const test = base.extend<object, object>({
  browser: [
    async ({ browser }, provide) => {
      if (E2E_SLOW) slowBrowser(browser);
      await provide(browser);
    },
    { scope: 'worker' },
  ],
  context: async ({ context }, provide) => {
    await provide(E2E_SLOW ? slowContext(context) : context);
  },
  page: async ({ page }, provide) => {
    if (E2E_SLOW) await slowPage(page);
    await provide(page);
  },
});

export { expect };
