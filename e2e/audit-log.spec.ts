import fs from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test as base } from './support/test';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations } from './support/page-checks';
import { startServer, waitForHealthy, type Server } from './support/server';

/**
 * The audit log's search, day range and CSV export on a server of their own (a fresh database, so
 * the log holds exactly what this file did): filters apply on change, the search is literal and
 * waits for a pause in typing, pages show when the log is longer than one, and the CSV holds the
 * very events the filtered view pages through.
 */

let server: Server;
const test = base.extend({ baseURL: async ({}, provide) => provide(server?.url) });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await startServer({ env: { AUTH_MODE: 'local', SIMULATOR: 'on', RATE_LIMITS: 'off' } });
  await waitForHealthy(server);
});
test.afterAll(async () => server?.stop());

const rows = (page: Page) => page.getByTestId('audit-row');
const shown = (page: Page) =>
  rows(page).evaluateAll((els) => els.map((el) => ({ action: el.getAttribute('data-action'), at: el.querySelector('time')?.getAttribute('datetime') })));
const KEY_NAMES = ['50% off', 'a_b', 'axb', '=1+2'];
const AUTHORIZE_EVENTS = 30;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

async function settled(page: Page, check: (url: URL) => boolean) {
  await page.waitForURL((url) => url.pathname === '/audit' && check(url));
  await expect(page.getByTestId('audit-filters')).not.toHaveAttribute('data-pending', 'true');
}

/** RFC 4180 as the export writes it: every cell quoted, CRLF line ends. */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line, i) => (i === 0 ? line.split(',') : [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'))));
}

test('search, days and filters apply on change; pages show; the CSV holds the filtered events', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await test.step('events: four keys with awkward names, and abandoned connects', async () => {
    for (const name of KEY_NAMES) {
      const res = await page.request.post('/api/v1/api-keys', { data: { name }, headers: { origin: baseURL! } });
      expect(res.status()).toBe(201);
    }
    for (let i = 0; i < AUTHORIZE_EVENTS; i++) {
      expect((await page.request.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 })).status()).toBe(302);
    }
  });

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/audit');
  const form = page.getByTestId('audit-filters');
  await test.step('more events than a page: the page controls show, on a phone too', async () => {
    await expect(rows(page)).toHaveCount(25);
    const older = page.getByTestId('page-older');
    await older.scrollIntoViewIfNeeded();
    await expect(older).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Audit log pages' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Apply' })).toHaveCount(0);
    await expectNoHorizontalScroll(page, '/audit at 375 px');
    await expectNoSeriousAxeViolations(page, '/audit at 375 px');
  });

  await test.step('the search is literal: % matches a percent sign, _ an underscore', async () => {
    await form.getByLabel('Search actions and details').fill('%');
    await settled(page, (url) => url.searchParams.get('q') === '%');
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).getByTestId('audit-detail')).toContainText('50% off');
  });

  await test.step('typing waits for a pause: one request for the word, none per letter', async () => {
    const searched: string[] = [];
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname === '/audit' && url.searchParams.has('q')) searched.push(url.searchParams.get('q')!);
    });
    const search = form.getByLabel('Search actions and details');
    await search.fill('');
    await search.pressSequentially('a_b', { delay: 60 });
    await settled(page, (url) => url.searchParams.get('q') === 'a_b');
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).getByTestId('audit-detail')).toContainText('a_b');
    expect(searched.filter((q) => q === 'a' || q === 'a_')).toEqual([]);
    await expect(search).toBeFocused();
  });

  await test.step('a select applies on change and keeps the search', async () => {
    await form.getByLabel('Action', { exact: true }).selectOption('oauth.authorize');
    await settled(page, (url) => url.searchParams.get('action') === 'oauth.authorize' && url.searchParams.get('q') === 'a_b');
    await expect(page.getByTestId('audit-empty')).toContainText('No events match these filters');
    await form.getByLabel('Search actions and details').fill('');
    await settled(page, (url) => !url.searchParams.has('q') && url.searchParams.get('action') === 'oauth.authorize');
    await expect(rows(page)).toHaveCount(25);
    await page.getByTestId('clear-filters').click();
    await settled(page, (url) => url.search === '');
    await expect(form.getByLabel('Action', { exact: true })).toHaveValue('');
  });

  await test.step('days: from tomorrow nothing, up to yesterday nothing, today everything', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await form.getByLabel('From', { exact: true }).fill(day(1));
    await settled(page, (url) => url.searchParams.get('from') === day(1));
    await expect(page.getByTestId('audit-empty')).toContainText('No events match these filters');
    await form.getByLabel('From', { exact: true }).fill('');
    await form.getByLabel('To', { exact: true }).fill(day(-1));
    await settled(page, (url) => !url.searchParams.has('from') && url.searchParams.get('to') === day(-1));
    await expect(page.getByTestId('audit-empty')).toBeVisible();
    await form.getByLabel('From', { exact: true }).fill(day(0));
    await form.getByLabel('To', { exact: true }).fill(day(0));
    await settled(page, (url) => url.searchParams.get('from') === day(0) && url.searchParams.get('to') === day(0));
    await expect(rows(page)).toHaveCount(25);
    await expectNoSeriousAxeViolations(page, '/audit filtered by days');
  });

  await test.step('the CSV of a search holds exactly the events of its pages, in order', async () => {
    await page.goto(`/audit?from=${day(0)}&q=authorize`);
    const first = await shown(page);
    await page.getByTestId('page-older').click();
    await page.waitForURL((url) => url.searchParams.has('before') && url.searchParams.get('q') === 'authorize');
    const second = await shown(page);
    const viewed = [...first, ...second];
    expect(viewed).toHaveLength(AUTHORIZE_EVENTS);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^grantkeeper-audit-\d{4}-\d\d-\d\d\.csv$/);
    const [header, ...lines] = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    expect(header).toEqual(['time', 'action', 'action_key', 'outcome', 'connection', 'connection_id', 'actor', 'detail']);
    expect(lines.map((l) => ({ action: l[2], at: l[0] }))).toEqual(viewed);
  });

  await test.step('the CSV keeps the literal search, and a formula-looking name stays text', async () => {
    const percent = await page.request.get('/api/v1/audit/export?q=%25');
    expect(percent.headers()['content-type']).toContain('text/csv');
    const [, ...lines] = parseCsv(await percent.text());
    expect(lines).toHaveLength(1);
    expect(lines[0]![7]).toContain('50% off');
    const formula = parseCsv(await (await page.request.get('/api/v1/audit/export?q=%3D1%2B2')).text()).slice(1);
    expect(formula).toHaveLength(1);
    expect(formula[0]![7]).toContain('"name":"=1+2"');
    expect(formula[0]!.every((cell) => !/^[=+\-@]/.test(cell))).toBe(true);
  });
});

test('days are the browser’s: in UTC−8 the page says so, sends its zone, and “today” is Los Angeles’s today', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, timezoneId: 'America/Los_Angeles' });
  const page = await context.newPage();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  await page.goto('/audit');
  const form = page.getByTestId('audit-filters');
  await expect(page.getByTestId('filter-days-zone')).toHaveText('in America/Los_Angeles');
  await form.getByLabel('From', { exact: true }).fill(today);
  await form.getByLabel('To', { exact: true }).fill(today);
  await settled(page, (url) => url.searchParams.get('to') === today && url.searchParams.get('tz') === 'America/Los_Angeles');
  // Every event of this file happened minutes ago: all inside Los Angeles's today, whatever UTC's date is.
  await expect(rows(page)).toHaveCount(25);
  await expect(page.getByTestId('filter-days-zone')).toHaveText('in America/Los_Angeles');
  // A link without a zone (typed, or from before) says it cuts UTC days.
  await page.goto(`/audit?from=${today}`);
  await expect(page.getByTestId('filter-days-zone')).toHaveText('in UTC');
  await context.close();
});
