import crypto from 'node:crypto';
import { type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { sharedServerOrigin } from './support/origin';
import { expectHydrated, expectNoHorizontalScroll, expectNoSeriousAxeViolations, saveScreenshot } from './support/page-checks';
import { connectThroughConsent } from './support/simulator-consent';
import { SIMULATOR_ADMIN_HEADERS } from './support/simulator-admin';

/**
 * The dashboard while grants are kept alive: countdowns that roll over when the sweep refreshes a
 * token (seen through polling, never a reload), Refresh now, Disconnect, a grant the provider
 * drops, and a connection's own page. The e2e server runs the simulator with 40 s tokens and a
 * sweep every 2 s (playwright.config.ts), so a token is refreshed about 20 s after it was issued.
 *
 * The simulator is reset before each test (knobs back to those 40 s); the database is shared with
 * the other spec files, so tests find their cards by connection id.
 */

type Slug = 'amazon-ads' | 'linkedin' | 'x' | 'meta';

interface SimulatorState {
  stats: Record<
    Slug,
    {
      /** grant type → outcome (`ok`, an error code, `injected_<kind>`) → count */
      tokenCalls: Record<string, Record<string, number>>;
      revocations: { endpoint: number; admin: number; superseded: number };
    }
  >;
  grants: { provider: Slug; personaId: string; revoked: { reason: string } | null }[];
}

/** One account per provider, and what disconnecting it does there. */
const ACCOUNTS = [
  { provider: 'amazon-ads', persona: 'amazon-avery', name: 'Avery Quinn', region: 'na', revokes: false },
  { provider: 'linkedin', persona: 'linkedin-maya', name: 'Maya Lindqvist', revokes: true },
  { provider: 'x', persona: 'x-riley', name: '@riley_ships', revokes: true },
  { provider: 'meta', persona: 'meta-lucia', name: 'Lucía Fernández', revokes: true },
] as const;

test.beforeEach(async ({ request }) => {
  const res = await request.post('/api/simulator/_admin/reset', { headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status(), await res.text()).toBe(200);
});

async function setKnobs(request: APIRequestContext, patch: Record<string, unknown>): Promise<void> {
  const res = await request.post('/api/simulator/_admin/knobs', { data: patch, headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status(), await res.text()).toBe(200);
}

async function simulatorState(request: APIRequestContext): Promise<SimulatorState> {
  const res = await request.get('/api/simulator/_admin/state', { headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status()).toBe(200);
  return (await res.json()) as SimulatorState;
}

/** Successful token calls other than the code exchange: refreshes (Meta: long-lived re-exchanges). */
function refreshCalls(state: SimulatorState, provider: Slug): number {
  return Object.entries(state.stats[provider].tokenCalls)
    .filter(([grantType]) => grantType !== 'authorization_code')
    .reduce((sum, [, outcomes]) => sum + (outcomes.ok ?? 0), 0);
}

/**
 * Disconnects this user's other live connections at a provider (left by other tests), so an
 * injected failure is consumed by the connection under test and no other.
 */
async function onlyLiveConnection(request: APIRequestContext, provider: Slug, keepId: string): Promise<void> {
  const res = await request.get('/api/v1/oauth/status');
  const { connections } = (await res.json()) as { connections: { id: string; provider: string; status: string }[] };
  for (const c of connections) {
    if (c.provider !== provider || c.id === keepId || c.status === 'revoked') continue;
    expect((await request.delete(`/api/v1/connections/${c.id}`, { headers: sharedServerOrigin() })).status()).toBe(200);
  }
}

const cardById = (page: Page, id: string): Locator => page.locator(`[data-testid="connection"][data-connection-id="${id}"]`);

/** A sonner toast with this title (and, optionally, this text in its description). */
function toast(page: Page, title: string, description?: string): Locator {
  const byTitle = page.locator('[data-sonner-toast]').filter({ has: page.locator('[data-title]').getByText(title, { exact: true }) });
  return description ? byTitle.filter({ has: page.locator('[data-description]').getByText(description) }) : byTitle;
}

/** Seconds the countdown shows ("00:00:38", "1d 02:03:04"); 0 once it says "expired". */
async function remainingSeconds(countdown: Locator): Promise<number> {
  const text = ((await countdown.textContent()) ?? '').trim();
  if (text === 'expired') return 0;
  const m = /^(?:(\d+)d )?(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`the countdown shows "${text}"`);
  return Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const expiresAt = async (card: Locator): Promise<number> => Date.parse((await card.getByTestId('countdown').getAttribute('data-expires-at')) ?? '');

test('every provider: the countdown runs, rolls over when the sweep refreshes, Refresh now, Disconnect', async ({ page, request }) => {
  test.setTimeout(180_000);
  const ids: Record<string, string> = {};
  for (const a of ACCOUNTS) {
    ids[a.persona] = (await connectThroughConsent(page, { provider: a.provider, persona: a.persona, region: 'region' in a ? a.region : undefined })).connectionId;
  }
  await page.goto('/');
  const cards = ACCOUNTS.map((a) => ({ ...a, id: ids[a.persona]!, card: cardById(page, ids[a.persona]!) }));

  // Visible and counting down: read every countdown, a second later read them again.
  for (const c of cards) {
    await expect(c.card.getByTestId('connection-name')).toHaveText(c.name);
    await expect(c.card.getByTestId('countdown')).toBeVisible();
    // Meta has no refresh token: a token that ends within days (here: 40 s) wants attention.
    await expect(c.card.getByTestId('status-badge')).toHaveAttribute('data-health', c.provider === 'meta' ? 'expiring_soon' : 'active');
  }
  await expect(cardById(page, ids['amazon-avery']!).getByTestId('connection-provider')).toHaveText('Amazon Ads · simulated');
  await expect(cardById(page, ids['linkedin-maya']!).getByTestId('token-horizon')).toContainText(/Refresh token ends in 36\d days/);
  await expect(cardById(page, ids['meta-lucia']!).getByTestId('token-horizon')).toContainText(
    // Says what happens and when (here with 40 s tokens: seconds away), and the date to reconnect by if it fails.
    /^Re-exchanged automatically (in .+? \(\d{4}-\d{2}-\d{2}\)|now); if Meta does not extend it, reconnect by \d{4}-\d{2}-\d{2}/,
  );
  const first = await Promise.all(cards.map((c) => remainingSeconds(c.card.getByTestId('countdown'))));
  // Each shows less a moment later. Polled, not read after a fixed second: until the page has
  // hydrated the countdowns are the server's HTML and stand still (CI's busy cores take longer).
  for (const [i, c] of cards.entries()) {
    await expect.poll(() => remainingSeconds(c.card.getByTestId('countdown')), { message: `${c.provider}: counting down` }).toBeLessThan(first[i]!);
  }
  const second = await Promise.all(cards.map((c) => remainingSeconds(c.card.getByTestId('countdown'))));
  cards.forEach((c, i) => {
    expect(first[i], `${c.provider}: a 40 s token`).toBeLessThanOrEqual(40);
    expect(second[i], `${c.provider}: counting down`).toBeLessThan(first[i]!);
    expect(second[i], `${c.provider}: not expired yet`).toBeGreaterThan(0);
  });

  // The sweep refreshes each token ~20 s after issue; polling brings the new expiry without a reload.
  const before = await Promise.all(
    cards.map(async (c) => ({ expiresAt: await expiresAt(c.card), lastRefresh: await c.card.getByTestId('last-refresh').getAttribute('data-at') })),
  );
  const simBefore = await simulatorState(request);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  let polls = 0;
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/api/v1/oauth/status') polls += 1;
  });
  const deadline = Date.now() + 60_000;
  for (const [i, c] of cards.entries()) {
    await expect
      .poll(() => expiresAt(c.card), { message: `${c.provider}: a new expiry arrives`, timeout: Math.max(1_000, deadline - Date.now()) })
      .toBeGreaterThan(before[i]!.expiresAt);
    const shown = await remainingSeconds(c.card.getByTestId('countdown'));
    const oldTokenLeft = (before[i]!.expiresAt - Date.now()) / 1000;
    expect(shown, `${c.provider}: the countdown jumped up`).toBeGreaterThan(oldTokenLeft + 5);
    await expect(c.card.getByTestId('last-refresh')).not.toHaveAttribute('data-at', before[i]!.lastRefresh ?? '');
    await expect(c.card.getByTestId('next-refresh')).toHaveText(/^in \d+ seconds?$|^in a moment$|^due now$/);
  }
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), 'no reload').toBe(true);
  expect(polls, 'the status API was polled').toBeGreaterThan(0);
  const simAfter = await simulatorState(request);
  for (const c of cards) {
    expect(refreshCalls(simAfter, c.provider), `${c.provider} refreshed at the provider`).toBeGreaterThan(refreshCalls(simBefore, c.provider));
  }

  // Refresh now: pending on the button while the provider answers (X is slowed down), then a toast.
  await setKnobs(request, { x: { latencyMs: 1_500 } });
  for (const c of cards) {
    const button = c.card.getByTestId('refresh-now');
    const was = await expiresAt(c.card);
    await button.click();
    if (c.provider === 'x') {
      await expect(button).toHaveText('Refreshing…');
      await expect(button).toBeDisabled();
    }
    await expect(toast(page, 'Token refreshed.', c.name)).toBeVisible();
    await expect(button).toHaveText('Refresh now');
    await expect.poll(() => expiresAt(c.card), { message: `${c.provider}: Refresh now moved the expiry` }).toBeGreaterThan(was);
  }
  await setKnobs(request, { x: { latencyMs: 0 } });

  // Disconnect: the dialog says what happens at the provider; the card turns revoked and offers Reconnect.
  const stats = await simulatorState(request);
  for (const c of cards) {
    await c.card.getByTestId('disconnect').click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog).toContainText(`Disconnect ${c.name} from`);
    await expect(dialog).toContainText(c.revokes ? /revoke|removes/ : 'amazon.com/ap/adam');
    await dialog.getByTestId('confirm-disconnect').click();
    await expect(dialog).toBeHidden();
    await expect(toast(page, c.revokes ? 'Disconnected and revoked at the provider.' : 'Disconnected. Tokens were erased.', c.name)).toBeVisible();
    await expect(c.card.getByTestId('status-badge')).toHaveAttribute('data-health', 'revoked');
    await expect(c.card.getByTestId('status-badge')).toHaveText('Revoked');
    await expect(c.card.getByTestId('countdown')).toHaveCount(0);
    await expect(c.card.getByTestId('disconnect')).toHaveCount(0);
    const reconnect = new URL((await c.card.getByTestId('reconnect').getAttribute('href'))!, 'http://x');
    expect(reconnect.pathname).toBe(`/api/v1/oauth/${c.provider}/authorize`);
    expect(reconnect.searchParams.get('connection')).toBe(c.id);
    if (c.provider === 'amazon-ads') {
      expect(reconnect.searchParams.get('region')).toBe('na');
      await expect(c.card.getByTestId('amazon-manual-removal').getByRole('link')).toHaveAttribute('href', 'https://www.amazon.com/ap/adam');
    } else {
      await expect(c.card.getByTestId('amazon-manual-removal')).toHaveCount(0);
    }
  }
  const after = await simulatorState(request);
  for (const c of cards) {
    const grant = after.grants.find((g) => g.personaId === c.persona);
    if (c.revokes) {
      expect(after.stats[c.provider].revocations.endpoint, `${c.provider} revocation endpoint`).toBeGreaterThan(stats.stats[c.provider].revocations.endpoint);
      expect(grant?.revoked?.reason, `${c.provider} grant`).toBe('revoked_by_app');
    } else {
      // Amazon has no revocation endpoint: its grant lives on until the user removes it there.
      expect(after.stats['amazon-ads'].revocations.endpoint).toBe(0);
      expect(grant?.revoked).toBeNull();
    }
  }
});

test('a grant the provider drops turns to Needs reconnect after the next sweep; Reconnect restores it', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { connectionId } = await connectThroughConsent(page, { provider: 'x', persona: 'x-sam' });
  await onlyLiveConnection(request, 'x', connectionId);
  // The next call to X's token endpoint (the sweep's refresh, ~20 s after issue) is invalid_grant.
  await setKnobs(request, { x: { failures: [{ kind: 'invalid_grant', count: 1 }] } });
  await page.goto('/');
  const card = cardById(page, connectionId);
  await expect(card.getByTestId('status-badge')).toHaveAttribute('data-health', 'active');

  await expect(card.getByTestId('status-badge')).toHaveAttribute('data-health', 'needs_reauth', { timeout: 60_000 });
  await expect(card.getByTestId('status-badge')).toHaveText('Needs reconnect');
  // X answers a dead grant with invalid_request (providers.md); the card says what to do.
  await expect(card.getByTestId('last-error')).toContainText('The provider no longer accepts this grant');
  await expect(card.getByTestId('last-error')).toContainText('Reconnect to restore it.');
  await expect(card.getByTestId('next-refresh')).toHaveText('none: reconnect to resume');
  await expect(card.getByTestId('refresh-now')).toHaveCount(0);
  // The health panel lists it, linked to its page.
  const attention = page.getByTestId('attention').locator(`[data-testid="attention-item"][data-connection-id="${connectionId}"]`);
  await expect(attention.getByRole('link', { name: '@samokoro_ads' })).toHaveAttribute('href', `/connections/${connectionId}`);

  await card.getByTestId('reconnect').click();
  await page.waitForURL((url) => url.pathname.startsWith('/api/simulator/x/'));
  await page.getByTestId('sim-account-x-sam').check();
  await page.getByTestId('sim-allow').click();
  await page.waitForURL((url) => url.pathname === '/');
  // The toast names the account and provider; the outcome's sentence is its description.
  await expect(toast(page, 'Reconnected @samokoro_ads (X)')).toBeVisible();
  await expect(card.getByTestId('status-badge')).toHaveAttribute('data-health', 'active');
  await expect(card.getByTestId('last-error')).toHaveCount(0);
  await expect(card.getByTestId('countdown')).toBeVisible();
  await expect(attention).toHaveCount(0);
});

test('a connection’s page shows its refresh history with durations and pages through its audit events', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { connectionId } = await connectThroughConsent(page, { provider: 'linkedin', persona: 'linkedin-maya' });
  await onlyLiveConnection(request, 'linkedin', connectionId);
  await page.goto(`/connections/${connectionId}`);
  const overview = page.getByTestId('connection');
  await expect(page.getByRole('heading', { level: 1, name: 'Maya Lindqvist' })).toBeVisible();
  await expect(overview.getByTestId('countdown')).toBeVisible();
  await expect(page.getByTestId('connection-scopes')).toContainText('r_ads');
  await expect(page.getByTestId('connection-accounts')).toContainText('Northwind Brand Awareness');

  // One failed attempt (LinkedIn answers 500), then one that works: both with their durations.
  await setKnobs(request, { linkedin: { failures: [{ kind: 'server_error', count: 1 }] } });
  await overview.getByTestId('refresh-now').click();
  await expect(toast(page, 'The provider did not refresh the token (http_500); the current token stays valid until it expires.')).toBeVisible();
  await expect(overview.getByTestId('last-error')).toContainText('http_500');
  await expect(overview.getByTestId('next-refresh')).toContainText('attempt 2 of 5');
  await overview.getByTestId('refresh-now').click();
  await expect(toast(page, 'Token refreshed.', 'Maya Lindqvist')).toBeVisible();
  await expect(overview.getByTestId('last-error')).toHaveCount(0);

  const history = page.getByTestId('refresh-history');
  const attempts = history.getByTestId('refresh-attempt');
  await expect(attempts.first()).toHaveAttribute('data-action', 'token.refreshed');
  await expect(attempts.first()).toContainText('by you');
  await expect(attempts.first().getByTestId('event-summary')).toContainText('new access token valid for 40 seconds');
  await expect(attempts.first().getByTestId('event-summary')).toContainText('recovered after failures');
  const failed = history.locator('[data-testid="refresh-attempt"][data-action="token.refresh_failed"]');
  await expect(failed.first().getByTestId('event-summary')).toContainText('http_500 (HTTP 500); attempt 1; retry in');
  for (const item of [attempts.first(), failed.first()]) {
    const ms = Number(await item.getByTestId('duration').getAttribute('data-duration-ms'));
    expect(ms).toBeGreaterThanOrEqual(0);
    await expect(item.getByTestId('duration')).toHaveText(/^(Took )?\d+ ms$|^(Took )?\d+\.\d s$/);
  }
  await expect(history.getByTestId('refresh-stats')).toContainText(/\d+ attempts: \d+ succeeded, [1-9]\d* failed; a successful refresh takes \d+ ms on average/);

  // Enough events for two pages (20 a page), newest first, by keyset.
  for (let i = 0; i < 20; i++) {
    const res = await request.post(`/api/v1/connections/${connectionId}/refresh`, { headers: sharedServerOrigin() });
    expect(res.status()).toBe(200);
  }
  // Refresh attempts have their own section; the events list takes them in when asked (?refreshes=1).
  await page.goto(`/connections/${connectionId}?refreshes=1`);
  const events = page.getByTestId('connection-events').getByTestId('audit-event');
  await expect(events).toHaveCount(20);
  const pageOne = (await events.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-event-id')))));
  expect(pageOne).toEqual([...pageOne].sort((a, b) => b - a));
  await expect(page.getByTestId('events-newer')).toHaveCount(0);
  await page.getByTestId('events-older').click();
  await expect(page).toHaveURL(new RegExp(`/connections/${connectionId}\\?before=${pageOne.at(-1)}&refreshes=1#events$`));
  await expect(events.first()).toBeVisible();
  const pageTwo = await events.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-event-id'))));
  expect(Math.max(...pageTwo)).toBeLessThan(Math.min(...pageOne));
  await page.getByTestId('events-newer').click();
  await expect(page).toHaveURL(/\?after=\d+&refreshes=1#events$/);
  await expect(events).toHaveCount(20);
  expect(await events.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-event-id'))))).toEqual(pageOne);

  // Nothing on this page is a token.
  const html = await page.content();
  expect(html).not.toContain('gAAAAA');
  expect(html).not.toMatch(/"(access|refresh)_?token(_?enc)?"\s*:/i);
  expect(html).not.toMatch(/AQ[VXT][A-Za-z0-9_-]{40,}/);
});

test('an unknown connection id is a not-found page that says nothing more', async ({ page }) => {
  for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
    const res = await page.goto(`/connections/${id}`);
    await expect(page.getByTestId('connection-not-found')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'No such connection' })).toBeVisible();
    expect(res?.status(), `HTTP status for ${id}`).toBe(404);
  }
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
});

test('axe, keyboard and screenshots: the dashboard and a connection’s page at 1440 and 375 px', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const { connectionId } = await connectThroughConsent(page, { provider: 'amazon-ads', persona: 'amazon-kenji', region: 'fe' });

  // Keyboard: Tab reaches Refresh now with a visible focus ring, and Enter uses it (the history then
  // has an attempt for the screenshots).
  await page.goto(`/connections/${connectionId}`);
  const button = page.getByTestId('connection').getByTestId('refresh-now');
  // Hydrated first: a focus taken in the hidden streamed copy is lost when React reveals it, and
  // Enter on the server's HTML does nothing.
  await expectHydrated(button, 'Refresh now');
  for (let i = 0; i < 40 && !(await button.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(button).toBeFocused();
  const ring = await button.evaluate((el) => {
    const s = getComputedStyle(el);
    return { shadow: s.boxShadow, outline: s.outlineStyle };
  });
  expect(ring.shadow !== 'none' || ring.outline !== 'none', `focus ring: ${JSON.stringify(ring)}`).toBe(true);
  await page.keyboard.press('Enter');
  await expect(toast(page, 'Token refreshed.', 'Kenji Watanabe')).toBeVisible();
  await expect(page.getByTestId('refresh-attempt').first()).toBeVisible();

  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await expect(cardById(page, connectionId).getByTestId('countdown')).toBeVisible();
    await expect(page.getByTestId('health-panel').getByTestId('last-sweep')).toContainText(/ago|just now/);
    await expect(page.getByTestId('health-panel').getByTestId('next-sweep')).toContainText('In-process scheduler, every 2 seconds.');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
    await expectNoSeriousAxeViolations(page, `/ at ${width}px`);
    await expectNoHorizontalScroll(page, `/ at ${width}px`);
    await saveScreenshot(page, testInfo, `dashboard-live-${width}`);

    await page.goto(`/connections/${connectionId}`);
    await expect(page.getByTestId('connection').getByTestId('countdown')).toBeVisible();
    await expect(page.getByTestId('connection-events').getByTestId('audit-event').first()).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'true');
    await expectNoSeriousAxeViolations(page, `/connections/[id] at ${width}px`);
    await expectNoHorizontalScroll(page, `/connections/[id] at ${width}px`);
    await saveScreenshot(page, testInfo, `connection-detail-${width}`);
  }
});

test('a health panel that fails to render leaves the connection list working', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('health-panel')).toBeVisible();
  // Counted once the list itself is shown: it streams apart from the health panel.
  await expect(page.getByTestId('connection-grid').or(page.getByTestId('no-connections'))).toBeVisible();
  const cards = await page.getByTestId('connection').count();
  // The next health poll brings a sweep time nobody can read: rendering it throws.
  await page.route('**/api/health', (route) =>
    route.fulfill({
      json: { status: 'ok', database: { status: 'up' }, scheduler: { mode: 'in-process', intervalSec: 2, stale: false, lastSweep: { finishedAt: 'not a time', trigger: 'scheduler', durationMs: 1, claimed: 0, refreshed: 0, failed: 0, needsReauth: 0, errors: 0, lastError: null } } },
    }),
  );
  const sectionError = page.getByTestId('section-error');
  await expect(sectionError).toContainText('Refresh health could not be shown.', { timeout: 20_000 });
  await expect(sectionError.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expect(page.getByTestId('health-panel')).toHaveCount(0);
  // Everything else is still there and still works.
  await expect(page.getByRole('heading', { level: 2, name: 'Your connections' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveCount(cards);
  await expect(page.getByTestId('connect-linkedin').getByRole('link', { name: 'Connect' })).toBeVisible();
});
