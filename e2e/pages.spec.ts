import { type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { sharedServerOrigin } from './support/origin';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, saveScreenshot } from './support/page-checks';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Every page, at a desktop and a phone width, on the server from playwright.config.ts (local
 * sign-in, simulator, a database shared with the other spec files): no serious or critical axe
 * violation, a screenshot, no sideways scrolling; and neither the HTML nor the RSC payload of any
 * page carries a token, ciphertext or secret. The secrets to look for are the real ones: the
 * current access token of every connection (asked from the token API with a key made here), the key
 * itself, and a webhook signing secret made here.
 */

test.describe.configure({ mode: 'serial' });

const WIDTHS = [1440, 375] as const;

/** What must never appear in a page; filled in by the first test. */
const secrets = { accessTokens: [] as string[], apiKey: '', apiKeyId: '', connectionId: '' };

interface PageCase {
  name: string;
  path: () => string;
  /** Something that shows the page has rendered its content. */
  ready: (page: Page) => Locator;
}

const PAGES: PageCase[] = [
  { name: 'dashboard', path: () => '/', ready: (p) => p.getByRole('heading', { level: 1 }) },
  { name: 'connection', path: () => `/connections/${secrets.connectionId}`, ready: (p) => p.getByRole('heading', { level: 1 }) },
  // Settled: the figures (or the reason there are none), not the loading skeleton.
  { name: 'insights', path: () => '/insights', ready: (p) => p.locator('[data-testid="insights-results"]:not([data-state="loading"]), [data-testid="insights-empty"]') },
  { name: 'audit', path: () => '/audit', ready: (p) => p.getByTestId('audit-row').first() },
  { name: 'settings', path: () => '/settings', ready: (p) => p.getByTestId('api-key-row').first() },
  { name: 'oauth-error', path: () => '/oauth/error?outcome=invalid_state', ready: (p) => p.getByTestId('oauth-error') },
  { name: 'signed-out', path: () => '/signed-out', ready: (p) => p.getByRole('heading', { level: 1 }) },
];

/** Token, ciphertext and secret shapes; the simulator mints each provider's real token shapes. */
const SHAPES: [string, RegExp][] = [
  ['Fernet ciphertext', /gAAAAA/],
  ['an API key', /gk_[a-z2-7]{8}_[A-Za-z0-9_-]{43}/],
  ['a webhook secret', /whsec_[A-Za-z0-9+/]{20,}/],
  ['an Amazon token', /Atz[ar]\|/],
  ['a Meta token', /EAA[A-Za-z0-9]{20,}/],
  ['a LinkedIn token', /AQ[VXT][A-Za-z0-9_-]{40,}/],
  // X's tokens are plain base64 of at least 63 bytes; nothing legitimate is an 80-character run.
  ['a long base64 run (an X token)', /[A-Za-z0-9+/_-]{80,}/],
];

function expectNoSecrets(text: string, where: string, extra: string[] = []): void {
  for (const token of [...secrets.accessTokens, secrets.apiKey, ...extra]) {
    if (token) expect(text.includes(token), `${where} contains a real secret (${token.slice(0, 6)}…)`).toBe(false);
  }
  for (const [what, shape] of SHAPES) {
    const match = shape.exec(text);
    expect(match?.[0], `${where} contains ${what}`).toBeUndefined();
  }
}

/** The page as the server sends it: HTML, and the RSC payload a client navigation fetches. */
async function serverPayloads(request: APIRequestContext, path: string): Promise<{ html: string; rsc: string }> {
  const html = await request.get(path, { headers: { accept: 'text/html' } });
  expect(html.status(), `GET ${path}`).toBeLessThan(500);
  // Next answers RSC requests without the cache-busting `_rsc` parameter with a redirect to it; followed here.
  const rsc = await request.get(path, { headers: { RSC: '1' } });
  expect(rsc.headers()['content-type'], `RSC payload of ${path}`).toContain('text/x-component');
  const payloads = { html: await html.text(), rsc: await rsc.text() };
  expect(payloads.html).toContain('<html');
  expect(payloads.rsc.length, `RSC payload of ${path}`).toBeGreaterThan(1_000);
  return payloads;
}

/**
 * Asks the token API for every active connection's current access token and remembers each. Run
 * again before every page: the in-process sweep refreshes short-lived simulator tokens meanwhile.
 */
async function collectCurrentTokens(request: APIRequestContext): Promise<string[]> {
  const status = (await (await request.get('/api/v1/oauth/status')).json()) as { connections: { id: string; status: string }[] };
  const active = status.connections.filter((c) => c.status === 'active').map((c) => c.id);
  for (const id of active) {
    const res = await request.get(`/api/v1/connections/${id}/access-token`, { headers: { authorization: `Bearer ${secrets.apiKey}` } });
    expect(res.status(), await res.text()).toBe(200);
    const token = ((await res.json()) as { access_token: string }).access_token;
    if (!secrets.accessTokens.includes(token)) secrets.accessTokens.push(token);
  }
  return active;
}

test('fixture: a connected account, an API key, and every connection’s current access token', async ({ page, request }) => {
  secrets.connectionId = (await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' })).connectionId;

  const created = await request.post('/api/v1/api-keys', { headers: sharedServerOrigin(), data: { name: 'pages.spec leak check' } });
  expect(created.status()).toBe(201);
  const key = (await created.json()) as { id: string; key: string };
  secrets.apiKey = key.key;
  secrets.apiKeyId = key.id;

  const active = await collectCurrentTokens(request);
  expect(active).toContain(secrets.connectionId);
  expect(secrets.accessTokens.length).toBeGreaterThan(0);
  // The checker finds a real token where there is one.
  expect(() => expectNoSecrets(`{"access_token":"${secrets.accessTokens[0]}"}`, 'a token response')).toThrow();
  expect(() => expectNoSecrets(`key ${secrets.apiKey}.`, 'a key')).toThrow();
  // The shape checks below would catch these: they are the shapes the checks look for.
  expect(secrets.accessTokens.some((t) => SHAPES.some(([, shape]) => shape.test(t)))).toBe(true);
});

for (const { name, path, ready } of PAGES) {
  test(`${name}: axe, screenshots and no sideways scrolling at ${WIDTHS.join(' and ')} px; no token in HTML or RSC`, async ({
    page,
    request,
  }, testInfo) => {
    await collectCurrentTokens(request);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const response = await page.goto(path());
      expect(response?.status(), `GET ${path()}`).toBe(200);
      await expect(ready(page)).toBeVisible();
      await page.waitForLoadState('networkidle');
      await expectNoSeriousAxeViolations(page, `${path()} at ${width}px`);
      await saveScreenshot(page, testInfo, `page-${name}-${width}`);
      await expectNoHorizontalScroll(page, `${path()} at ${width}px`);
      expectNoSecrets(await page.content(), `the DOM of ${path()} at ${width}px`);
    }
    const { html, rsc } = await serverPayloads(request, path());
    expectNoSecrets(html, `the HTML of ${path()}`);
    expectNoSecrets(rsc, `the RSC payload of ${path()}`);
  });
}

test('a secret is on the page only right after it was made, never after a reload', async ({ page, request }, testInfo) => {
  await page.goto('/settings');

  await page.getByLabel('Key name').fill('shown once');
  await page.getByTestId('create-api-key').click();
  const key = await page.getByTestId('api-key-secret').inputValue();
  expect(await page.content(), 'the one-time display shows the key').toContain(key);

  await page.getByLabel('Endpoint URL').fill('https://127.0.0.1:9/hooks/pages-spec');
  await page.getByTestId('save-webhook').click();
  const secret = await page.getByTestId('webhook-secret').inputValue();
  expect(secret).toMatch(/^whsec_/);
  expect(await page.content(), 'the one-time display shows the signing secret').toContain(secret);
  // Scan the settled page, not buttons still leaving their pending state.
  await expect(page.getByTestId('save-webhook')).toBeEnabled();
  await expect(page.getByTestId('create-api-key')).toBeEnabled();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoSeriousAxeViolations(page, `settings with both one-time secrets shown at ${width}px`);
    await saveScreenshot(page, testInfo, `page-settings-secrets-shown-${width}`);
    await expectNoHorizontalScroll(page, `settings with both one-time secrets shown at ${width}px`);
  }

  await page.reload();
  await expect(page.getByTestId('webhook-current-url')).toBeVisible();
  expectNoSecrets(await page.content(), 'settings after a reload', [key, secret]);
  const { html, rsc } = await serverPayloads(request, '/settings');
  expectNoSecrets(html, 'the HTML of /settings', [key, secret]);
  expectNoSecrets(rsc, 'the RSC payload of /settings', [key, secret]);

  // Leave the shared server as it was: no endpoint receiving the other specs' events, no extra keys.
  expect((await request.delete('/api/v1/notifications/endpoint', { headers: sharedServerOrigin() })).status()).toBe(204);
  const keys = (await (await request.get('/api/v1/api-keys')).json()) as { apiKeys: { id: string; prefix: string }[] };
  for (const k of keys.apiKeys.filter((k) => k.prefix === key.slice(3, 11) || k.id === secrets.apiKeyId)) {
    expect((await request.delete(`/api/v1/api-keys/${k.id}`, { headers: sharedServerOrigin() })).status()).toBe(204);
  }
});
