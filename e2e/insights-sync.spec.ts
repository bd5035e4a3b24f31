import { request as playwrightRequest, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { expectHydrated, expectNoHorizontalScroll, expectNoSeriousAxeViolations } from './support/page-checks';
import { startServer, waitForHealthy } from './support/server';
import { SIMULATOR_ADMIN_HEADERS } from './support/simulator-admin';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * The campaign sync as a person sees it (issue 9): Sync now on a connection's card, the progress
 * line while the run goes, the toast when it ends, the run in the connection's sync history with
 * the rows it wrote; and a grant revoked at the provider, which fails the run with its reason in
 * words and a Reconnect. The shared server sweeps every 2 s (playwright.config.ts), which derives
 * a new connection's sync targets and runs its first sync by itself; Sync now also starts its
 * run at once. The reporting latency knob keeps a run going long enough to be watched.
 */

const X = { provider: 'x', persona: 'x-riley', label: '@riley_ships (X)' } as const;

interface SyncStatus {
  targets: { state: string; lastSuccessAt: string | null; lastRun: { id: string; state: string } | null }[];
}
interface SyncHistory {
  runs: { id: string; state: string; trigger: string; rowsWritten: number; errorCode: string | null }[];
}

test.beforeEach(async ({ request }) => {
  const res = await request.post('/api/simulator/_admin/reset', { headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status(), await res.text()).toBe(200);
});

async function setReportingKnobs(request: APIRequestContext, patch: Record<string, unknown>): Promise<void> {
  const res = await request.post('/api/simulator/_admin/reporting/knobs', { data: patch, headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status(), await res.text()).toBe(200);
}

/** Connected, its sync target derived, its last run succeeded and none going (the sweep's sync after a connect has ended). */
async function connectAndSettle(page: Page, request: APIRequestContext): Promise<string> {
  const { connectionId } = await connectThroughConsent(page, { provider: X.provider, persona: X.persona });
  // What the status said last, so a run that never ends says where it stood.
  let last = '';
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/analytics/sync-status/${connectionId}`);
        if (res.status() === 404) return 'no targets yet';
        const { targets } = (await res.json()) as SyncStatus;
        last = JSON.stringify(targets.map((t) => ({ state: t.state, lastSuccessAt: t.lastSuccessAt, lastRun: t.lastRun })));
        // Idle: the last run succeeded and none is going ("resuming" after a reconnect is not settled yet).
        return targets.every((t) => t.lastSuccessAt !== null && t.state === 'idle') ? 'settled' : 'syncing';
      },
      { timeout: 40_000, message: 'the first sync ends' },
    )
    .toBe('settled')
    .catch((err: Error) => {
      throw new Error(`${err.message}\nlast sync status: ${last}`);
    });
  return connectionId;
}

async function latestRun(request: APIRequestContext, connectionId: string): Promise<SyncHistory['runs'][number]> {
  const res = await request.get(`/api/v1/analytics/sync-history/${connectionId}?limit=1`);
  expect(res.status()).toBe(200);
  const { runs } = (await res.json()) as SyncHistory;
  expect(runs.length).toBe(1);
  return runs[0]!;
}

const cardById = (page: Page, id: string): Locator => page.locator(`[data-testid="connection"][data-connection-id="${id}"]`);

function toast(page: Page, title: string): Locator {
  return page.locator('[data-sonner-toast]').filter({ has: page.locator('[data-title]').getByText(title, { exact: true }) });
}

async function checkBothThemes(page: Page, where: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Colours fade between themes: measure contrast once no transition is running (the spinner's animation may go on).
    await page.waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition)));
    await expectNoSeriousAxeViolations(page, `${where} (${scheme})`);
  }
}

test('Sync now: progress while the run goes, a toast when it ends, the run with its rows in the history', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await connectAndSettle(page, request);
  // Each reporting call now takes 4 s: the run is visibly under way for a few seconds.
  await setReportingKnobs(request, { latencyMs: 4_000 });

  await page.goto('/');
  const card = cardById(page, id);
  const line = card.getByTestId('sync-line');
  await expect(line.getByTestId('sync-summary')).toContainText(/^Last synced .+ · next sync in .+\.$/);
  await expect(line.getByTestId('sync-x-note')).toContainText('X figures are organic post metrics');
  await expect(line.getByTestId('sync-x-note')).toContainText('X Ads figures need a separate ads consent that Grantkeeper does not ask for yet');
  await expect(page.getByTestId('sync-health-provider').and(page.locator('[data-provider="x"]'))).toContainText(/\d+ succeeded, \d+ failed/);

  const before = await latestRun(request, id);
  // Hydrated first: a click on the server's HTML syncs nothing.
  await expectHydrated(line.getByRole('button', { name: `Sync now ${X.label}` }), 'Sync now');
  await line.getByRole('button', { name: `Sync now ${X.label}` }).click();
  // Watched from the click on: the toast may come and go (4 s) while axe measures the page below.
  const toastShown = expect(toast(page, `Synced ${X.label}`)).toBeVisible({ timeout: 60_000 });
  toastShown.catch(() => {});
  await expect(line.getByTestId('sync-progress')).toContainText(/^Syncing… \d+ of \d+ days?$/);
  await expect(line.getByRole('progressbar', { name: `Sync progress of ${X.label}` })).toBeVisible();
  await expect(line.getByRole('button', { name: `Syncing ${X.label}` })).toBeDisabled();
  await checkBothThemes(page, 'the dashboard while a sync runs');

  await toastShown;
  await expect(line.getByTestId('sync-summary')).toContainText(/^Last synced just now/);
  await expect(line.getByRole('button', { name: `Sync now ${X.label}` })).toBeEnabled();
  await expectHydrated(line.getByRole('button', { name: `Sync now ${X.label}` }), 'Sync now');

  const run = await latestRun(request, id);
  expect(run.id).not.toBe(before.id);
  expect(run).toMatchObject({ state: 'succeeded', trigger: 'manual', errorCode: null });
  expect(run.rowsWritten).toBeGreaterThan(0);
  await setReportingKnobs(request, { latencyMs: 0 });

  await card.getByRole('link', { name: `Details of ${X.label}` }).click();
  await page.waitForURL(`**/connections/${id}`);
  const history = page.getByTestId('sync-history');
  await expect(history.getByTestId('sync-x-note')).toContainText('X figures are organic post metrics');
  const row = history.getByTestId('sync-run').first();
  await expect(row).toHaveAttribute('data-run-id', run.id);
  await expect(row).toHaveAttribute('data-state', 'succeeded');
  await expect(row).toContainText('Sync now');
  await expect(row).toContainText('Succeeded');
  await expect(row.getByTestId('sync-run-rows')).toHaveText(run.rowsWritten.toLocaleString('en-US'));
  await checkBothThemes(page, 'the connection page with its sync history');

  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoHorizontalScroll(page, 'the connection page at 375 px');
  await page.goto('/');
  await expect(cardById(page, id).getByTestId('sync-line')).toBeVisible();
  await expectNoHorizontalScroll(page, 'the dashboard at 375 px');
  await expectNoSeriousAxeViolations(page, 'the dashboard at 375 px');
});

test('a grant revoked at the provider: the run fails, its reason in words, a Reconnect, the history says why, and reconnecting syncs again', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await connectAndSettle(page, request);
  await page.goto('/');
  const card = cardById(page, id);
  const line = card.getByTestId('sync-line');
  await expect(line.getByRole('button', { name: `Sync now ${X.label}` })).toBeEnabled();
  await expectHydrated(line.getByRole('button', { name: `Sync now ${X.label}` }), 'Sync now');

  // As if the user removed the app at X: the reporting call answers 401, the forced refresh finds the grant dead.
  const revoke = await request.post('/api/simulator/_admin/revoke', {
    data: { provider: 'x', externalAccountId: X.persona },
    headers: SIMULATOR_ADMIN_HEADERS,
  });
  expect(revoke.status(), await revoke.text()).toBe(200);
  await line.getByRole('button', { name: `Sync now ${X.label}` }).click();

  await expect(toast(page, `Sync failed: ${X.label}`)).toBeVisible({ timeout: 45_000 });
  const error = line.getByTestId('sync-error');
  await expect(error).toHaveAttribute('data-code', 'reconnect');
  await expect(error).toContainText('The grant is no longer valid, so nothing can be synced: reconnect this account to sync again.');
  const reconnect = line.getByRole('link', { name: `Reconnect ${X.label} to sync again` });
  await expect(reconnect).toHaveAttribute('href', `/api/v1/oauth/x/authorize?connection=${id}`);
  // The card itself follows: the connection needs reconnecting, and Sync now is gone until it is.
  await expect(card).toHaveAttribute('data-status', 'needs_reauth');
  await expect(line.getByTestId('sync-now')).toHaveCount(0);
  await checkBothThemes(page, 'the dashboard with a failed sync');

  const run = await latestRun(request, id);
  expect(run).toMatchObject({ state: 'failed', errorCode: 'reconnect', trigger: 'manual' });
  await page.goto(`/connections/${id}`);
  const row = page.getByTestId('sync-history').getByTestId('sync-run').first();
  await expect(row).toHaveAttribute('data-run-id', run.id);
  await expect(row).toHaveAttribute('data-state', 'failed');
  await expect(row.getByTestId('sync-run-error')).toContainText('The grant is no longer valid');

  // Reconnected: the next sweep syncs again, not the scheduled slot hours away (a CI run waited for it in vain).
  expect(await connectAndSettle(page, request)).toBe(id);
  expect(await latestRun(request, id)).toMatchObject({ state: 'succeeded', trigger: 'scheduled', errorCode: null });
});

test('INSIGHTS=off: the dashboard and the connection page say nothing is synced, and offer no Sync now', async ({ page }) => {
  test.setTimeout(120_000);
  const server = await startServer({ env: { AUTH_MODE: 'local', SIMULATOR: 'on', INSIGHTS: 'off' } });
  const api = await playwrightRequest.newContext({ baseURL: server.url });
  try {
    await waitForHealthy(server);
    // Connect X without a browser: authorize → consent (POST) → callback (as e2e/cron.spec.ts does).
    const authorize = await api.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 });
    const consent = await api.post(authorize.headers().location!, { form: { decision: 'allow', persona: 'x-riley' }, maxRedirects: 0 });
    const callback = await api.get(consent.headers().location!, { maxRedirects: 0 });
    const id = new URL(callback.headers().location!, server.url).searchParams.get('connection')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    await page.goto(`${server.url}/`);
    await expect(page.getByTestId('sync-health-off')).toContainText('Campaign insights are turned off on this server (INSIGHTS=off)');
    const card = cardById(page, id);
    await expect(card.getByTestId('connection-name')).toHaveText('@riley_ships');
    await expect(card.getByTestId('sync-line')).toHaveCount(0);
    await expect(page.getByTestId('sync-now')).toHaveCount(0);
    await expectNoSeriousAxeViolations(page, 'the dashboard with INSIGHTS=off');

    await page.goto(`${server.url}/connections/${id}`);
    await expect(page.getByTestId('sync-history-off')).toContainText('INSIGHTS=off');
  } finally {
    await api.dispose();
    await server.stop();
  }
});
