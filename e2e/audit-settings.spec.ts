import fs from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test as base } from './support/test';
import { Webhook } from 'standardwebhooks';
import { makeLocalhostCertificate, startHttpsReceiver, type TlsFiles } from './support/https-receiver';
import { expectHydrated, expectNoSeriousAxeViolations, saveScreenshot } from './support/page-checks';
import { startServer, waitForHealthy, type Server } from './support/server';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * The audit log (/audit) and settings (/settings) on a server of their own: local sign-in, the
 * simulator, a fresh database (so the log holds exactly what these tests did), and trust in a
 * throwaway certificate so production's https-only webhooks can reach a receiver on 127.0.0.1.
 * The tests run in order and build on each other's state.
 */

let server: Server;
let tls: TlsFiles;

const test = base.extend({
  baseURL: async ({}, provide) => provide(server?.url),
});
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  tls = makeLocalhostCertificate();
  // The receiver is on 127.0.0.1: webhooks may go there only with the development opt-in.
  server = await startServer({
    env: { AUTH_MODE: 'local', SIMULATOR: 'on', NODE_EXTRA_CA_CERTS: tls.certificateFile, WEBHOOK_ALLOW_PRIVATE: 'on' },
  });
  await waitForHealthy(server);
});

test.afterAll(async () => {
  await server?.stop();
  if (tls) fs.rmSync(tls.dir, { recursive: true, force: true });
});

/** Shared between the tests, in order. */
const ids = { riley: '', sam: '' };

const rows = (page: Page) => page.getByTestId('audit-row');
const actionsShown = (page: Page) => rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-action')));
const idsShown = (page: Page) => rows(page).evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-event-id'))));

/** Each select applies on change (there is no Apply button); waits for the URL to hold all of them. */
async function applyFilters(page: Page, choice: { connection?: string; action?: string; outcome?: string }) {
  const form = page.getByTestId('audit-filters');
  const fields = [
    ['Connection', 'connection', choice.connection ?? ''],
    ['Action', 'action', choice.action ?? ''],
    ['Outcome', 'outcome', choice.outcome ?? ''],
  ] as const;
  // Applied by React's change handler: a selection before hydration is lost.
  await expectHydrated(form.getByLabel('Action', { exact: true }), 'the action filter');
  for (const [label, , value] of fields) {
    const select = form.getByLabel(label, { exact: true });
    if ((await select.inputValue()) !== value) await select.selectOption(value);
  }
  await page.waitForURL((url) => url.pathname === '/audit' && fields.every(([, param, value]) => (url.searchParams.get(param) ?? '') === value));
  await expect(form).not.toHaveAttribute('data-pending', 'true');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
}

async function disconnectOnDashboard(page: Page, connectionId: string): Promise<void> {
  await page.goto('/');
  const card = page.locator(`[data-testid="connection"][data-connection-id="${connectionId}"]`);
  await expectHydrated(card.getByTestId('disconnect'), 'Disconnect');
  await card.getByTestId('disconnect').click();
  await page.getByRole('alertdialog').getByTestId('confirm-disconnect').click();
  await expect(card.getByTestId('status-badge')).toHaveAttribute('data-health', 'revoked');
}

test('the audit log lists a connect and a disconnect, and filters by action, outcome and connection', async ({ page }) => {
  await test.step('before anything happened: an empty state that says what writes events', async () => {
    await page.goto('/audit');
    const empty = page.getByTestId('audit-empty');
    await expect(empty).toContainText('Nothing recorded yet');
    await expect(empty).toContainText('a sync job reads a token with one of your API keys');
  });

  ids.riley = (await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' })).connectionId;
  await disconnectOnDashboard(page, ids.riley);
  ids.sam = (await connectThroughConsent(page, { provider: 'x', persona: 'x-sam' })).connectionId;

  await page.goto('/audit');
  await test.step('every event, newest first', async () => {
    await expect(rows(page)).toHaveCount(5);
    await expect.poll(() => actionsShown(page)).toEqual([
      'connection.connected',
      'oauth.authorize',
      'connection.disconnected',
      'connection.connected',
      'oauth.authorize',
    ]);
    const shown = await idsShown(page);
    expect([...shown].sort((a, b) => b - a)).toEqual(shown);
  });

  await test.step('a row: time, actor, action, outcome, connection link, detail', async () => {
    const disconnected = page.locator('[data-testid="audit-row"][data-action="connection.disconnected"]');
    await expect(disconnected).toHaveCount(1);
    const time = disconnected.locator('time').first();
    const at = Date.parse((await time.getAttribute('datetime'))!);
    expect(Math.abs(Date.now() - at)).toBeLessThan(5 * 60_000);
    // The exact instant on hover, in the reader's time zone; the words relative to now.
    await expect(time).toHaveAttribute('title', /\d{4}, \d\d:\d\d:\d\d/);
    await expect(time).toHaveText(/ago$|^just now$/);
    await expect(disconnected).toContainText('You');
    await expect(disconnected.getByTestId('audit-outcome')).toHaveText('success');
    const link = disconnected.getByTestId('audit-connection');
    await expect(link).toHaveAttribute('href', `/connections/${ids.riley}`);
    await expect(link).toContainText('@riley_ships');
    await expect(disconnected.getByTestId('audit-detail')).toContainText('Revoked at provider');

    const authorize = page.locator('[data-testid="audit-row"][data-action="oauth.authorize"]').first();
    await expect(authorize.getByTestId('audit-outcome')).toHaveText('info');
    await expect(authorize.getByTestId('audit-connection')).toHaveCount(0);
  });

  await test.step('filter by action', async () => {
    await applyFilters(page, { action: 'connection.connected' });
    await expect.poll(() => actionsShown(page)).toEqual(['connection.connected', 'connection.connected']);
    // The form shows the filter in force.
    await expect(page.getByTestId('filter-action')).toHaveValue('connection.connected');
  });

  await test.step('filter by outcome', async () => {
    await applyFilters(page, { outcome: 'info' });
    expect(new URL(page.url()).searchParams.get('outcome')).toBe('info');
    await expect.poll(() => actionsShown(page)).toEqual(['oauth.authorize', 'oauth.authorize']);
    await expect(rows(page).getByTestId('audit-outcome')).toHaveText(['info', 'info']);
  });

  await test.step('filter by connection, alone and with an action', async () => {
    const riley = page.getByTestId('filter-connection').locator('option', { hasText: '@riley_ships' });
    await expect(riley).toHaveText('@riley_ships · X (disconnected)');
    await applyFilters(page, { connection: ids.riley });
    expect(new URL(page.url()).searchParams.get('connection')).toBe(ids.riley);
    await expect.poll(() => actionsShown(page)).toEqual(['connection.disconnected', 'connection.connected']);
    for (const row of await rows(page).all()) await expect(row).toHaveAttribute('data-connection-id', ids.riley);

    await applyFilters(page, { connection: ids.riley, action: 'connection.disconnected' });
    await expect.poll(() => actionsShown(page)).toEqual(['connection.disconnected']);
  });

  await test.step('nothing matches: a filtered empty state with a way out', async () => {
    await applyFilters(page, { outcome: 'failure' });
    await expect(page.getByTestId('audit-empty')).toContainText('No events match these filters');
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/audit' && url.search === '');
    await expect(rows(page)).toHaveCount(5);
  });
});

test('the audit log pages through more than one page with Newer and Older, keeping the filter', async ({ page, request }) => {
  // More connects (a reconnect and a new account), then plenty of started-but-abandoned ones.
  await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' });
  await connectThroughConsent(page, { provider: 'linkedin', persona: 'linkedin-maya' });
  for (let i = 0; i < 30; i++) {
    const res = await request.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 });
    expect(res.status()).toBe(302);
  }
  const authorizeEvents = 2 + 2 + 30;

  await page.goto('/audit?action=oauth.authorize');
  await expect(rows(page)).toHaveCount(25);
  const first = await idsShown(page);
  await expect(page.getByTestId('page-newer')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Newer' })).toBeDisabled();

  await page.getByTestId('page-older').click();
  await page.waitForURL((url) => url.searchParams.get('before') === String(first[24]));
  expect(new URL(page.url()).searchParams.get('action'), 'the filter survives paging').toBe('oauth.authorize');
  await expect(rows(page)).toHaveCount(authorizeEvents - 25);
  const second = await idsShown(page);
  expect(Math.max(...second)).toBeLessThan(Math.min(...first));
  await expect.poll(async () => new Set(await actionsShown(page))).toEqual(new Set(['oauth.authorize']));
  await expect(page.getByTestId('page-older')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Older' })).toBeDisabled();

  await page.getByTestId('page-newer').click();
  await page.waitForURL((url) => url.searchParams.get('after') === String(second[0]));
  await expect.poll(() => idsShown(page)).toEqual(first);

  // Unfiltered, the log is longer than a page too, and the pages join without a gap.
  await page.goto('/audit');
  await expect(rows(page)).toHaveCount(25);
  const all1 = await idsShown(page);
  await page.getByTestId('page-older').click();
  await page.waitForURL((url) => url.searchParams.has('before'));
  await expect(rows(page).first()).not.toHaveAttribute('data-event-id', String(all1[0]));
  const all2 = await idsShown(page);
  expect(all2.length).toBeGreaterThan(0);
  expect(Math.max(...all2)).toBeLessThan(Math.min(...all1));
});

test('settings: a new key is shown once, works in the shown curl line, and stops working when revoked', async ({
  page,
  context,
  request,
  baseURL,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await page.goto('/settings');
  await expect(page.getByTestId('api-keys-empty')).toBeVisible();
  await expect(page.getByTestId('curl-line')).toContainText('Bearer gk_…');

  await page.getByLabel('Key name').fill('nightly sync');
  await page.getByTestId('create-api-key').click();
  const reveal = page.getByTestId('api-key-secret-reveal');
  await expect(reveal).toBeVisible();
  await expect(reveal).toContainText('You won’t see it again');
  const key = await page.getByTestId('api-key-secret').inputValue();
  expect(key).toMatch(/^gk_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('api-key-secret')).toHaveAttribute('readonly', '');
  const row = page.locator(`[data-testid="api-key-row"][data-prefix="${key.slice(3, 11)}"]`);
  await expect(row).toContainText('nightly sync');
  await expect(row.getByTestId('api-key-last-used')).toHaveText('never');

  await test.step('Copy puts the key on the clipboard', async () => {
    await page.getByTestId('api-key-secret-copy').click();
    await expect(page.getByTestId('api-key-secret-copy')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  });

  await page.getByTestId('curl-connection').selectOption(ids.sam);
  await expect(page.getByTestId('curl-line')).toContainText(`/api/v1/connections/${ids.sam}/`);
  const line = (await page.getByTestId('curl-line').textContent())!.trim();
  const parsed = /^curl -H "Authorization: Bearer (\S+)" (\S+)$/.exec(line);
  expect(parsed, line).not.toBeNull();
  const [, shownKey, url] = parsed!;
  expect(shownKey).toBe(key);
  expect(url).toBe(`${baseURL}/api/v1/connections/${ids.sam}/access-token`);

  await test.step('the request the line shows returns a token', async () => {
    const res = await request.get(url!, { headers: { Authorization: `Bearer ${shownKey}` } });
    expect(res.status(), await res.text()).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'token_type']);
    expect(body.token_type).toBe('bearer');
    expect(typeof body.access_token).toBe('string');
    expect((body.access_token as string).length).toBeGreaterThan(20);
    expect(Date.parse(body.expires_at as string)).toBeGreaterThan(Date.now());
  });

  await test.step('after a reload the key is gone from the page for good', async () => {
    await page.reload();
    await expect(row).toBeVisible();
    await expect(page.getByTestId('api-key-secret-reveal')).toHaveCount(0);
    await expect(page.getByTestId('curl-line')).toContainText('Bearer gk_…');
    expect(await page.content()).not.toContain(key);
  });

  await test.step('revoking (after confirming) makes the same request 401', async () => {
    await row.getByTestId('revoke-api-key').click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog).toContainText('Revoke the API key “nightly sync”?');
    await expectNoSeriousAxeViolations(page, 'the revoke dialog');
    await dialog.getByTestId('confirm-revoke-api-key').click();
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId('api-keys-empty')).toBeVisible();
    const res = await request.get(url!, { headers: { Authorization: `Bearer ${shownKey}` } });
    expect(res.status()).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  await test.step('the audit log names the key by prefix, never by its secret', async () => {
    await page.goto('/audit?action=api_key.created');
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).getByTestId('audit-detail')).toContainText(key.slice(3, 11));
    expect(await page.content()).not.toContain(key);
  });
});

test('settings: the webhook endpoint is saved, receives a signed test event, and can be removed', async ({ page }, testInfo) => {
  const receiver = await startHttpsReceiver(tls);
  try {
    await page.goto('/settings');
    const section = page.getByTestId('webhook-section');
    await expect(section.getByTestId('deliveries-empty')).toBeVisible();

    await test.step('plain http is refused in production, with the reason', async () => {
      await page.getByLabel('Endpoint URL').fill(receiver.url().replace('https:', 'http:'));
      await page.getByTestId('save-webhook').click();
      await expect(page.getByTestId('webhook-error')).toHaveText('The URL must start with https://.');
      await expect(page.getByTestId('webhook-secret-reveal')).toHaveCount(0);
    });

    await test.step('the cloud metadata address is refused even with WEBHOOK_ALLOW_PRIVATE=on', async () => {
      await page.getByLabel('Endpoint URL').fill('https://169.254.169.254/latest/meta-data/');
      await page.getByTestId('save-webhook').click();
      await expect(page.getByTestId('webhook-error')).toHaveText(
        'The host name does not resolve to a public address. Webhooks go only to public hosts; check the URL.',
      );
      await expect(page.getByTestId('webhook-secret-reveal')).toHaveCount(0);
    });

    await page.getByLabel('Endpoint URL').fill(receiver.url());
    await page.getByTestId('save-webhook').click();
    await expect(page.getByTestId('webhook-secret-reveal')).toContainText('You won’t see it again');
    const secret = await page.getByTestId('webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await expect(page.getByTestId('webhook-current-url')).toHaveText(receiver.url());

    const result = page.getByTestId('test-event-result');
    await test.step('a receiver that fails: the outcome says so, and the delivery waits for a retry', async () => {
      receiver.reply.status = 500;
      await page.getByTestId('send-test-event').click();
      await expect(result).toHaveText('Test event not delivered. Receiver answered 500. It will be retried.');
      await expect(result).toHaveAttribute('data-ok', 'false');
      const failed = section.getByTestId('delivery-row').first();
      await expect(failed).toHaveAttribute('data-status', 'pending');
      await expect(failed.getByTestId('delivery-status-code')).toHaveText('500');
      await expect(failed).toContainText('Next try');
    });

    receiver.reply.status = 204;
    await page.getByTestId('send-test-event').click();
    await expect(result).toHaveText('Test event delivered (HTTP 204).');
    await expect(result).toHaveAttribute('data-ok', 'true');

    await test.step('the receiver verifies the Standard Webhooks signature with the secret shown once', async () => {
      expect(receiver.received).toHaveLength(2);
      const hit = receiver.received[1];
      expect(hit!.method).toBe('POST');
      expect(hit!.path).toBe('/hooks/grantkeeper');
      const payload = new Webhook(secret).verify(hit!.body, hit!.headers) as { type: string; data: Record<string, unknown> };
      expect(payload.type).toBe('test');
      // The check can fail: another secret, or a changed body, does not verify.
      const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      expect(() => new Webhook(other).verify(hit!.body, hit!.headers)).toThrow();
      expect(() => new Webhook(secret).verify(hit!.body.replace('test', 'tesT'), hit!.headers)).toThrow();
      // The refused attempt was signed the same way, as its own message.
      const first = receiver.received[0]!;
      expect(new Webhook(secret).verify(first.body, first.headers)).toMatchObject({ type: 'test' });
      expect(first.headers['webhook-id']).not.toBe(hit!.headers['webhook-id']);
    });

    await test.step('the delivery is listed with its outcome', async () => {
      const delivery = section.getByTestId('delivery-row').first();
      await expect(delivery).toHaveAttribute('data-delivery-id', receiver.received[1]!.headers['webhook-id']!);
      await expect(section.getByTestId('delivery-row')).toHaveCount(2);
      await expect(delivery.getByTestId('delivery-type')).toHaveText('test');
      await expect(delivery).toHaveAttribute('data-status', 'delivered');
      await expect(delivery.getByTestId('delivery-attempts')).toHaveText('1');
      await expect(delivery.getByTestId('delivery-status-code')).toHaveText('204');
      await expect(delivery.locator('time')).toHaveAttribute('datetime', /^\d{4}-/);
      for (const width of [1440, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await saveScreenshot(page, testInfo, `settings-webhook-delivered-${width}`);
      }
    });

    await test.step('the secret is not in the page after a reload', async () => {
      await page.reload();
      await expect(page.getByTestId('webhook-current-url')).toHaveText(receiver.url());
      expect(await page.content()).not.toContain(secret);
    });

    await test.step('remove, after confirming', async () => {
      await page.getByTestId('remove-webhook').click();
      await page.getByRole('alertdialog').getByTestId('confirm-remove-webhook').click();
      await expect(page.getByTestId('webhook-current-url')).toHaveCount(0);
      await expect(page.getByTestId('send-test-event')).toHaveCount(0);
      await expect(page.getByLabel('Endpoint URL')).toHaveValue('');
    });
  } finally {
    await receiver.close();
  }
});

test('keyboard only: create and revoke a key, filter the audit log', async ({ page }) => {
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent?.trim());

  await page.goto('/settings');
  // Hydrated: before that the form does nothing (its button is disabled).
  await expect(page.getByTestId('create-api-key')).toBeEnabled();
  await page.getByLabel('Key name').focus();
  await page.keyboard.type('typed key');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('api-key-secret-reveal')).toBeVisible();
  // From the secret, Tab reaches its Copy button.
  await page.getByTestId('api-key-secret').focus();
  await page.keyboard.press('Tab');
  await expect.poll(focused).toBe('api-key-secret-copy');

  const row = page.getByTestId('api-key-row').filter({ hasText: 'typed key' });
  await row.getByTestId('revoke-api-key').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible();
  // The safe choice has the focus first; Tab moves to Revoke.
  await expect.poll(focused).toBe('Keep it');
  await page.keyboard.press('Tab');
  await expect.poll(focused).toBe('confirm-revoke-api-key');
  await page.keyboard.press('Enter');
  await expect(row).toHaveCount(0);

  await page.goto('/audit');
  // The log streams in behind its loading skeleton: React reveals it by moving the nodes into place,
  // which would blur a field focused while it was still in the hidden, streamed copy (CI did that).
  await expect(page.getByTestId('audit-loading')).toHaveCount(0);
  await expectHydrated(page.getByTestId('filter-action'), 'the action filter');
  await page.getByTestId('filter-action').focus();
  await page.getByTestId('filter-action').selectOption('api_key.revoked');
  // Applied on change, with no Apply button to reach; the focus stays where it was.
  await page.waitForURL((url) => url.searchParams.get('action') === 'api_key.revoked');
  // This test's revocation and the one before.
  await expect(rows(page)).toHaveCount(2);
  await expect.poll(focused).toBe('filter-action');

  // When the page payload cannot be fetched (a server too busy to answer), Next falls back to a full
  // browser navigation: the field that had the focus gets it back on the reloaded page.
  let aborted = 0;
  const payload = (url: URL) => url.pathname === '/audit' && url.searchParams.has('_rsc');
  await page.route(payload, (route) => (aborted++, route.abort()));
  await page.getByTestId('filter-outcome').focus();
  await page.getByTestId('filter-outcome').selectOption('success');
  await page.waitForURL((url) => url.searchParams.get('outcome') === 'success' && !url.searchParams.has('_rsc'));
  await expect(page.getByTestId('filter-outcome')).toHaveValue('success');
  await expect.poll(focused).toBe('filter-outcome');
  expect(aborted, 'the soft navigation failed, so the page was reloaded').toBeGreaterThan(0);
  await page.unroute(payload);
});
