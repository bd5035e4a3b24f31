import crypto from 'node:crypto';
import { type Locator, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { expectHydrated, expectNoHorizontalScroll, expectNoSeriousAxeViolations, saveScreenshot, visibleBox } from './support/page-checks';
import { connectThroughConsent } from './support/simulator-consent';
import { sharedServerOrigin } from './support/origin';

/**
 * The dashboard's layout and what it says after a connect: the card grid at 1440 px, the top
 * "Connect an account" action on a phone, the connected card highlighted and named in the toast,
 * removing a revoked connection (its history stays), the connection page's id and curl line,
 * actions named after their connection, and a visible focus ring. The database is shared with
 * the other spec files: tests find their cards by connection id.
 */

const cardById = (page: Page, id: string): Locator => page.locator(`[data-testid="connection"][data-connection-id="${id}"]`);

/** The sonner toast whose title is exactly this. */
const toastTitled = (page: Page, title: RegExp): Locator =>
  page.locator('[data-sonner-toast]').filter({ has: page.locator('[data-title]').getByText(title) });

test('on a phone the top action reaches the connect panel; connecting highlights the card and the toast names it', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/');
  const jump = page.getByRole('link', { name: 'Connect an account' });
  // Near the top, visible without scrolling.
  await expect(jump).toBeInViewport();
  await jump.click();
  await expect(page).toHaveURL(/#connect$/);
  const panel = page.getByTestId('connect-panel');
  await expect(panel.getByRole('heading', { name: 'Connect an account' })).toBeInViewport();

  const callback = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/oauth/linkedin/callback');
  await panel.getByTestId('connect-linkedin').getByRole('link', { name: 'Connect' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/api/simulator/linkedin/'));
  await page.getByTestId('sim-account-linkedin-maya').check();
  await page.getByTestId('sim-allow').click();
  const location = new URL((await callback).headers()['location']!, page.url());
  const connectionId = location.searchParams.get('connection')!;
  await page.waitForURL((url) => url.pathname === '/');

  // The toast names the account and the provider, from the status the page holds.
  await expect(toastTitled(page, /^(Connected|Reconnected) Maya Lindqvist \(LinkedIn\)$/)).toBeVisible();
  // The card is brought into view and marked.
  const card = cardById(page, connectionId);
  await expect(card).toHaveAttribute('data-highlighted', 'true');
  await expect(card).toBeInViewport();
  await saveScreenshot(page, testInfo, 'dashboard-after-connect-375');
  // The URL was tidied: a reload shows no toast and no highlight.
  await expect(page).toHaveURL((url) => url.search === '');
});

test('at 1440 px the cards fill the width; every action names its connection; ghost buttons show a focus ring', async ({
  page,
}, testInfo) => {
  const riley = await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' });
  const sam = await connectThroughConsent(page, { provider: 'x', persona: 'x-sam' });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  const grid = page.getByTestId('connection-grid');
  await expect(cardById(page, sam.connectionId)).toBeVisible();
  const columns = await grid.evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  expect(columns, 'columns of the card grid at 1440 px').toBeGreaterThanOrEqual(3);
  // The first two cards sit side by side.
  const [first, second] = [await visibleBox(grid.locator('> li').nth(0)), await visibleBox(grid.locator('> li').nth(1))];
  expect(second!.y).toBe(first!.y);
  expect(second!.x).toBeGreaterThan(first!.x + first!.width - 1);
  // Together the cards span most of the content width, not its left half.
  const gridBox = (await visibleBox(grid, 'the card grid'));
  expect(second!.x + second!.width).toBeGreaterThan(gridBox.x + gridBox.width / 2);

  // Two accounts of one provider: every action says which one it is for.
  for (const [{ connectionId }, name] of [
    [riley, '@riley_ships (X)'],
    [sam, '@samokoro_ads (X)'],
  ] as const) {
    const card = cardById(page, connectionId);
    await expect(card.getByRole('button', { name: `Refresh now ${name}`, exact: true })).toHaveCount(1);
    await expect(card.getByRole('button', { name: `Disconnect ${name}`, exact: true })).toHaveCount(1);
    await expect(card.getByRole('link', { name: `Details of ${name}`, exact: true })).toHaveCount(1);
  }
  const names = await page
    .locator('[data-testid="refresh-now"], [data-testid="disconnect"], [data-testid="details-link"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  expect(names.every(Boolean), 'every action has an accessible name of its own').toBe(true);
  expect(new Set(names).size, `action names are unique: ${names.join(' | ')}`).toBe(names.length);

  // Keyboard focus on a ghost button (Details) draws a solid (opaque) ring at least 3 px wide,
  // measured once the focus transition has finished (the old ring was the colour at 70 %).
  await page.keyboard.press('Tab');
  const details = cardById(page, riley.connectionId).getByTestId('details-link');
  await details.focus();
  const focus = await details.evaluate(async (el) => {
    await Promise.all(el.getAnimations().map((a) => a.finished));
    return { visible: el.matches(':focus-visible'), shadow: getComputedStyle(el).boxShadow };
  });
  expect(focus.visible).toBe(true);
  const rings = [...focus.shadow.matchAll(/(?:^|, )((?:rgba?|oklab|oklch|lab|lch|color)\([^)]*\)) 0px 0px 0px (\d+(?:\.\d+)?)px/g)]
    .map((m) => ({ color: m[1]!, spread: Number(m[2]) }))
    .filter((r) => r.spread >= 3 && !/\/ 0?\.\d+\)$|^rgba\(/.test(r.color));
  expect(rings.length, `an opaque ring of 3 px or more in: ${focus.shadow}`).toBeGreaterThan(0);

  // The Amazon card's region picker stays inside its card (its option names are long).
  const amazonCard = await visibleBox(page.getByTestId('connect-amazon-ads'));
  for (const id of ['amazon-region', 'amazon-region-hint']) {
    const box = await visibleBox(page.getByTestId(id), id);
    expect(box!.x + box!.width, `${id} ends inside its card`).toBeLessThanOrEqual(amazonCard!.x + amazonCard!.width);
  }
  await expectNoSeriousAxeViolations(page, '/ at 1440px');
  await expectNoHorizontalScroll(page, '/ at 1440px');
  await saveScreenshot(page, testInfo, 'dashboard-grid-1440');
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoSeriousAxeViolations(page, '/ at 375px');
  await expectNoHorizontalScroll(page, '/ at 375px');
  await saveScreenshot(page, testInfo, 'dashboard-grid-375');
});

test('a revoked connection can be removed from the list, shown again by the filter, and keeps its audit history', async ({
  page,
  request,
}) => {
  const { connectionId } = await connectThroughConsent(page, { provider: 'meta', persona: 'meta-lucia' });
  await page.goto('/');
  const card = cardById(page, connectionId);
  const disconnect = card.getByRole('button', { name: 'Disconnect Lucía Fernández (Meta)', exact: true });
  // Hydrated first: a click on the server's HTML opens no dialog.
  await expectHydrated(disconnect, 'Disconnect');
  await disconnect.click();
  await page.getByRole('alertdialog').getByTestId('confirm-disconnect').click();
  await expect(card).toHaveAttribute('data-status', 'revoked');

  await card.getByRole('button', { name: 'Remove from list: Lucía Fernández (Meta)', exact: true }).click();
  await expect(card).toHaveCount(0);
  // Remembered by the server: a reload does not bring it back.
  await page.reload();
  await expect(page.getByTestId('connection-grid').or(page.getByTestId('no-connections'))).toBeVisible();
  await expect(card).toHaveCount(0);
  const filter = page.getByRole('checkbox', { name: /Show removed connections/ });
  await expectHydrated(filter, 'the removed-connections filter');
  await filter.check();
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-hidden', 'true');

  // Its history stays, and says it was removed from the list.
  const status = await request.get('/api/v1/oauth/status');
  const listed = ((await status.json()) as { connections: { id: string; hiddenAt: string | null }[] }).connections;
  expect(listed.find((c) => c.id === connectionId)?.hiddenAt).toEqual(expect.any(String));
  await page.goto(`/connections/${connectionId}`);
  const events = page.getByTestId('connection-events').getByTestId('audit-event');
  await expect
    .poll(() => events.evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))))
    .toEqual(expect.arrayContaining(['connection.connected', 'connection.disconnected', 'connection.removed_from_list']));

  // And it can be listed again: hydrated before the click, and done before the next page loads
  // (a goto right after the click could abort the request it sends).
  const listAgain = page.getByRole('button', { name: 'List again: Lucía Fernández (Meta)', exact: true });
  await expectHydrated(listAgain, 'List again');
  await listAgain.click();
  // Its toast comes once the server action has answered (this page's only toast so far).
  await expect(page.locator('[data-sonner-toast][data-type="success"]').filter({ hasText: 'Lucía Fernández (Meta)' })).toBeVisible();
  await page.goto('/');
  await expect(card).toBeVisible();
  await expect(card).not.toHaveAttribute('data-hidden', 'true');
  await expect(page.getByRole('checkbox', { name: /Show removed connections/ })).toHaveCount(0);
});

test('a connection’s page offers its id to copy and a ready curl line, and lists a refresh once', async ({
  page,
  context,
  request,
  baseURL,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const { connectionId } = await connectThroughConsent(page, { provider: 'linkedin', persona: 'linkedin-maya' });
  expect((await request.post(`/api/v1/connections/${connectionId}/refresh`, { headers: sharedServerOrigin() })).status()).toBe(200);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/connections/${connectionId}`);
  await expect(page.getByTestId('connection-id')).toHaveText(connectionId);
  const copy = page.getByRole('button', { name: 'Copy id of Maya Lindqvist (LinkedIn)', exact: true });
  await expectHydrated(copy, 'Copy id');
  await copy.click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(connectionId);
  const curl = page.getByTestId('connection-use').getByTestId('curl-line');
  await expect(curl).toHaveText(
    `curl -H "Authorization: Bearer gk_…" ${new URL(baseURL!).origin}/api/v1/connections/${connectionId}/access-token`,
  );

  // The refresh is listed under Refresh history, not again under Audit events.
  const refreshed = page.getByTestId('refresh-history').locator('[data-action="token.refreshed"]');
  await expect(refreshed.first()).toBeVisible();
  const events = page.getByTestId('connection-events').getByTestId('audit-event');
  await expect(events.first()).toBeVisible();
  await expect(page.getByTestId('connection-events').locator('[data-action="token.refreshed"]')).toHaveCount(0);
  // …unless asked for.
  await page.getByTestId('events-refreshes-toggle').click();
  await expect(page.getByTestId('connection-events').locator('[data-action="token.refreshed"]').first()).toBeVisible();

  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoSeriousAxeViolations(page, `/connections/[id] at ${width}px`);
    await expectNoHorizontalScroll(page, `/connections/[id] at ${width}px`);
    await saveScreenshot(page, testInfo, `connection-detail-id-${width}`);
  }
});

test('“No such connection” keeps the site header', async ({ page }, testInfo) => {
  const res = await page.goto(`/connections/${crypto.randomUUID()}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('connection-not-found')).toBeVisible();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Grantkeeper' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expectNoSeriousAxeViolations(page, 'No such connection');
  await saveScreenshot(page, testInfo, 'connection-not-found-1440');
});
