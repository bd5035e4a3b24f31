import fs from 'node:fs';
import { request as playwrightRequest, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { sameOrigin } from './support/origin';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, saveScreenshot } from './support/page-checks';
import { startServer, waitForHealthy, type Server } from './support/server';
import { SIMULATOR_ADMIN_HEADERS } from './support/simulator-admin';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * The /insights page (issue 9) on its own server (its own database: the figures on the page are
 * exactly this spec's), with the in-process scheduler off so the sweep runs when the spec says:
 * empty before anything is connected; then one account of each provider connected through the
 * simulator's consent pages, synced (sync now + the cron route, as e2e/cron.spec.ts drives it),
 * and the page's totals and its CSV compared with the simulator's own figures for the range.
 * Light and dark at 375 and 1440 px: axe clean, no sideways scrolling, screenshots, and no
 * Content-Security-Policy violation (Recharts draws without inline script). Then the error state.
 */

test.describe.configure({ mode: 'serial' });

const CRON_SECRET = 'insights-page-cron-secret';
let server: Server;
let api: APIRequestContext;

test.beforeAll(async () => {
  server = await startServer({ env: { AUTH_MODE: 'local', SIMULATOR: 'on', SCHEDULER: 'off', CRON_SECRET } });
  await waitForHealthy(server);
  api = await playwrightRequest.newContext({ baseURL: server.url });
});
test.afterAll(async () => {
  await api?.dispose();
  await server?.stop();
});

/** A page on this spec's server that records every CSP violation the browser reports. */
async function openPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ baseURL: server.url, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to /i.test(m.text())) cspViolations.push(m.text());
  });
  await page.exposeFunction('__reportCsp', (v: string) => cspViolations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp: (v: string) => void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, cspViolations };
}

const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Days clear of every account's "today" (Los Angeles to London), so each sync has them whole. */
const RANGE = { from: utcDay(-20), to: utcDay(-2) };

interface Target {
  connectionId: string;
  provider: string;
  accountId: string;
  state: string;
  lastRun: { state: string } | null;
}

async function syncTargets(): Promise<Target[]> {
  const res = await api.get('/api/v1/analytics/sync-status');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { targets: Target[] }).targets;
}

interface ExpectedTotals {
  currency: string | null;
  impressions: number;
  clicks: number;
  spend: string;
  conversions: number;
}

/** Cents of a decimal string, exactly (no float in between). */
function cents(value: string): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  const sign = whole.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole.replace('-', '')) * 100n + BigInt((fraction + '00').slice(0, 2)));
}

/** RFC 4180 lines into cells (quoted cells may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')));
}

test('before anything is connected: an empty state that says what to do, axe clean; Insights is in the header', async ({ browser }) => {
  const { page, cspViolations } = await openPage(browser);
  await page.setViewportSize({ width: 375, height: 900 });
  expect((await page.goto('/insights'))?.status()).toBe(200);
  await expect(page.getByTestId('insights-empty')).toContainText('Connect an account');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' })).toHaveAttribute('aria-current', 'page');
  await expectNoSeriousAxeViolations(page, '/insights empty at 375px');
  await expectNoHorizontalScroll(page, '/insights empty at 375px');
  expect(cspViolations).toEqual([]);
  await page.context().close();
});

test('four providers synced: the totals and the CSV equal the simulator’s figures for the range; light and dark, 375 and 1440 px', async ({
  browser,
}, testInfo) => {
  test.setTimeout(150_000);
  const { page, cspViolations } = await openPage(browser);
  const connections = [
    await connectThroughConsent(page, { provider: 'amazon-ads', persona: 'amazon-avery', region: 'na' }),
    await connectThroughConsent(page, { provider: 'linkedin', persona: 'linkedin-maya' }),
    await connectThroughConsent(page, { provider: 'meta', persona: 'meta-ben' }),
    await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' }),
  ].map((c) => c.connectionId);

  // Amazon's reports complete at the first poll, so one sweep finishes them.
  const knobs = await api.post('/api/simulator/_admin/reporting/knobs', { headers: SIMULATOR_ADMIN_HEADERS, data: { amazonPollsUntilComplete: 0 } });
  expect(knobs.status()).toBe(200);
  const window = { from: utcDay(-25), to: utcDay(-1) };
  for (const id of connections) {
    const res = await api.post(`/api/v1/analytics/sync/${id}`, { headers: sameOrigin(server.url), data: window });
    expect(res.status(), await res.text()).toBe(202);
  }
  let targets: Target[] = [];
  await expect
    .poll(
      async () => {
        const sweep = await api.get('/api/cron/refresh-tokens', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
        expect(sweep.status()).toBe(200);
        targets = (await syncTargets()).filter((t) => t.state !== 'disabled');
        // The accounts not finished yet, with their state, so a timeout says which one hangs.
        return targets.length === 0 ? ['no targets yet'] : targets.filter((t) => t.lastRun?.state !== 'succeeded').map((t) => `${t.provider} ${t.accountId}: ${t.state}`);
      },
      { timeout: 60_000, intervals: [500, 1_000, 2_000] },
    )
    .toEqual([]);
  expect(new Set(targets.map((t) => t.provider))).toEqual(new Set(['amazon-ads', 'linkedin', 'meta', 'x']));

  // What a correct sync stored, per the simulator, for every account in the range.
  const expected = { rows: 0, rowsByProvider: new Map<string, number>(), impressions: 0, clicks: 0, conversions: 0, spend: new Map<string, bigint>() };
  for (const t of targets) {
    const q = new URLSearchParams({ provider: t.provider, account: t.accountId, ...RANGE });
    const res = await api.get(`/api/simulator/_admin/reporting/expected?${q}`, { headers: SIMULATOR_ADMIN_HEADERS });
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { rows: unknown[]; totals: ExpectedTotals[] };
    expected.rows += body.rows.length;
    expected.rowsByProvider.set(t.provider, (expected.rowsByProvider.get(t.provider) ?? 0) + body.rows.length);
    for (const total of body.totals) {
      expected.impressions += total.impressions;
      expected.clicks += total.clicks;
      expected.conversions += total.conversions;
      if (total.currency) expected.spend.set(total.currency, (expected.spend.get(total.currency) ?? 0n) + cents(total.spend));
    }
  }
  expect(expected.spend.size, 'several currencies, never added together').toBeGreaterThan(2);

  expect((await page.goto(`/insights?from=${RANGE.from}&to=${RANGE.to}`))?.status()).toBe(200);
  const results = page.getByTestId('insights-results');
  await expect(results).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('filter-range')).toHaveValue('custom');

  // The tiles: one spend per currency, each equal to the simulator's; counts summed over all.
  const spend = await page.getByTestId('kpi-spend').evaluateAll((els) => els.map((e) => [e.getAttribute('data-currency'), e.getAttribute('data-value')]));
  expect(new Map(spend.map(([c, v]) => [c!, cents(v!)]))).toEqual(expected.spend);
  await expect(page.getByTestId('kpi-impressions')).toHaveAttribute('data-value', String(expected.impressions));
  await expect(page.getByTestId('kpi-clicks')).toHaveAttribute('data-value', String(expected.clicks));
  expect(Number(await page.getByTestId('kpi-conversions').getAttribute('data-value'))).toBe(expected.conversions);
  await expect(page.getByTestId('kpi-impressions-tile')).toContainText('organic X post impressions');

  // Restated recent days and what X can give are said plainly.
  await expect(page.getByTestId('freshness-note')).toHaveAttribute('data-days', '28');
  await expect(page.getByTestId('freshness-note')).toContainText('Figures for the last 28 days may still change');
  await expect(page.getByTestId('x-organic-note')).toContainText('X figures are organic post metrics');

  // The CSV is what the page shows: the same rows, the same sums.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('insights-export').click()]);
  expect(download.suggestedFilename()).toBe(`insights-${RANGE.from}-${RANGE.to}.csv`);
  const [header, ...lines] = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
  const col = (name: string) => header!.indexOf(name);
  await expect(page.getByTestId('insights-row-count')).toContainText(`${lines.length} daily campaign rows`);
  for (const [provider, count] of expected.rowsByProvider) {
    // X stores a row per day with posts, as the simulator counts them; the others one per campaign-day.
    expect(lines.filter((l) => l[col('provider')] === provider).length, `${provider} rows`).toBe(count);
  }
  expect(lines.length).toBe(expected.rows);
  expect(lines.every((l) => l[col('day')]! >= RANGE.from && l[col('day')]! <= RANGE.to)).toBe(true);
  const csvSpend = new Map<string, bigint>();
  for (const l of lines) if (l[col('currency')]) csvSpend.set(l[col('currency')]!, (csvSpend.get(l[col('currency')]!) ?? 0n) + cents(l[col('spend')]!));
  expect(csvSpend).toEqual(expected.spend);
  expect(lines.reduce((n, l) => n + Number(l[col('impressions')] || 0), 0)).toBe(expected.impressions);
  expect(lines.reduce((n, l) => n + Number(l[col('clicks')] || 0), 0)).toBe(expected.clicks);

  // The chart switches metric; the table sorts both ways.
  const chart = page.getByTestId('insights-chart');
  await expect(chart.locator('svg.recharts-surface').first()).toBeVisible();
  await chart.getByTestId('chart-metric-clicks').click();
  await expect(chart.getByTestId('chart-metric-clicks')).toHaveAttribute('aria-pressed', 'true');
  await expect(chart.getByTestId('chart-summary')).toContainText(`Clicks per day: ${expected.clicks.toLocaleString('en-US')} in total`);
  const clicksColumn = async () =>
    (await page.getByTestId('campaign-row').locator('[data-column="clicks"]').allTextContents()).map((t) => Number(t.replace(/[^\d.]/g, '')) || -1);
  const sortClicks = page.getByTestId('sort-clicks');
  await expect(sortClicks).toHaveAttribute('aria-sort', 'descending');
  const desc = await clicksColumn();
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await sortClicks.getByRole('button').click();
  await expect(sortClicks).toHaveAttribute('aria-sort', 'ascending');
  const asc = (await clicksColumn()).filter((n) => n >= 0);
  expect(asc).toEqual([...asc].sort((a, b) => a - b));

  // Light and dark, phone and desktop: axe clean, nothing wider than the screen, screenshots.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/insights?from=${RANGE.from}&to=${RANGE.to}`);
      await expect(results).toHaveAttribute('data-state', 'ready');
      await expect(page.getByTestId('insights-chart').locator('svg.recharts-surface').first()).toBeVisible();
      const where = `/insights in ${scheme} at ${width}px`;
      await expectNoSeriousAxeViolations(page, where);
      await expectNoHorizontalScroll(page, where);
      await saveScreenshot(page, testInfo, `insights-${scheme}-${width}`);
    }
  }

  // A filter narrows everything shown: Meta alone is one currency, and X's note goes.
  await page.getByTestId('filter-platform').selectOption('meta');
  await expect(results).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('kpi-spend')).toHaveCount(1);
  await expect(page.getByTestId('x-organic-note')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('platform')).toBe('meta');

  // With every page payload (`?_rsc=`) refused, as on a server too busy to answer, a filter change
  // by keyboard keeps the focus on the field. Unlike /audit's (components/focus-carry.ts), these
  // filters never navigate: the view is replaceState'd and fetched from the API, so no payload is
  // asked for and there is no full-navigation fallback to carry the focus across. Were they to use
  // router.replace, the refused payload would reload the page and this would fail.
  let payloads = 0;
  const payload = (url: URL) => url.pathname === '/insights' && url.searchParams.has('_rsc');
  await page.route(payload, (route) => (payloads++, route.abort()));
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  await page.getByTestId('filter-range').focus();
  await page.getByTestId('filter-range').selectOption('7');
  await page.waitForURL((url) => url.searchParams.get('range') === '7');
  await expect(results).toHaveAttribute('data-state', /ready|empty/);
  await expect.poll(focused).toBe('filter-range');
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), 'the page was not reloaded').toBe(true);
  expect(payloads, 'no page payload was asked for').toBe(0);
  await page.unroute(payload);
  expect(cspViolations, 'no Content-Security-Policy violation while the page and its chart render').toEqual([]);
  await page.context().close();
});

test('no figures in the range; loading, then an API failure: a plain error with Try again, which recovers', async ({ browser }) => {
  const { page, cspViolations } = await openPage(browser);
  let failing = true;
  await page.route('**/api/v1/analytics/insights?**', async (route) => {
    await new Promise((r) => setTimeout(r, 700));
    if (failing) await route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal_error","message":"boom"}}' });
    else await route.continue();
  });
  // Days before anything was synced: the reason there is nothing, not an empty frame.
  failing = false;
  await page.goto('/insights?from=2020-01-01&to=2020-01-07');
  await expect(page.getByTestId('insights-no-data')).toContainText('No figures for these days');
  failing = true;
  await page.goto(`/insights?from=${RANGE.from}&to=${RANGE.to}`);
  // The route's loading skeleton or the results' own: either is the loading state (while the page
  // streams in, the second may already be in the DOM, hidden).
  await expect(page.locator('[data-testid="insights-loading"]:visible').first()).toBeVisible();
  const error = page.getByTestId('insights-error');
  await expect(error).toBeVisible({ timeout: 15_000 });
  await expect(error).toContainText('The server answered HTTP 500.');
  await expectNoSeriousAxeViolations(page, '/insights with the API failing');
  failing = false;
  await page.getByTestId('insights-retry').click();
  await expect(page.getByTestId('insights-results')).toHaveAttribute('data-state', 'ready');
  expect(cspViolations).toEqual([]);
  // The watch works: an image from another origin (img-src 'self') is refused, before any request, and reported.
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('img'), { src: 'http://127.0.0.1:9/csp-probe.png', alt: '' })));
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  await page.context().close();
});
