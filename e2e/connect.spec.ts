import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import { expectHydrated } from './support/page-checks';
import { expect, test } from './support/test';
import { SIMULATOR_ADMIN_HEADERS } from './support/simulator-admin';

/**
 * The connect, reconnect, deny, disconnect and forged-callback flows through the real dashboard and
 * the built-in provider simulator (lib/simulator), on the server from playwright.config.ts
 * (AUTH_MODE=local, SIMULATOR=on, a fresh embedded database).
 *
 * The simulator's in-memory state (grants, stats) is reset before every test; the database is
 * shared by the whole run (other spec files included), so tests assert on deltas and on specific
 * account names, and each test connects what it needs itself.
 */

type Slug = 'amazon-ads' | 'linkedin' | 'x' | 'meta';
type Region = 'na' | 'eu' | 'fe';

interface ConnectionView {
  id: string;
  provider: string;
  account: { id: string; name: string | null };
  status: string;
  health: string;
  metadata: Record<string, unknown>;
}

interface ProviderStats {
  tokenCalls: Record<string, Record<string, number>>;
  revocations: { endpoint: number; admin: number; superseded: number };
}

interface SimulatorState {
  stats: Record<Slug, ProviderStats>;
  grants: { id: string; provider: Slug; personaId: string; revoked: { at: string; reason: string } | null; liveAccessTokens: number }[];
}

const MESSAGES = {
  connected: 'Account connected.',
  reconnected: 'Account reconnected. Its tokens were replaced.',
  reconnectedAfterRevoke: 'Account reconnected.',
  denied: 'Connection cancelled at the provider. Nothing was stored.',
  invalidState:
    'This sign-in link is not valid: it was already used, never issued, or started by someone else. Nothing was stored.',
} as const;

/** Who each persona shows up as on the dashboard, and what its card must list. */
const PERSONAS = {
  'amazon-avery': { slug: 'amazon-ads', name: 'Avery Quinn', region: 'na' },
  'amazon-kenji': { slug: 'amazon-ads', name: 'Kenji Watanabe', region: 'fe' },
  'amazon-imani': { slug: 'amazon-ads', name: 'Imani Bello', region: 'eu' },
  'linkedin-maya': { slug: 'linkedin', name: 'Maya Lindqvist' },
  'x-riley': { slug: 'x', name: '@riley_ships' },
  'x-sam': { slug: 'x', name: '@samokoro_ads' },
  'meta-lucia': { slug: 'meta', name: 'Lucía Fernández' },
} as const satisfies Record<string, { slug: Slug; name: string; region?: Region }>;
type PersonaId = keyof typeof PERSONAS;

/** The five accounts "all connections" means for the screenshots and the token checks. */
const ALL: PersonaId[] = ['amazon-avery', 'amazon-kenji', 'linkedin-maya', 'x-riley', 'meta-lucia'];

// ---------------------------------------------------------------------------------------------
// Simulator admin API and status API

async function resetSimulator(request: APIRequestContext): Promise<void> {
  const res = await request.post('/api/simulator/_admin/reset', { headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status(), await res.text()).toBe(200);
  // The e2e server starts the simulator with 40 s tokens (playwright.config.ts) for the tests that
  // watch refreshes; these flows want the providers' real lifetimes, so nothing refreshes under them.
  const knobs = await request.post('/api/simulator/_admin/knobs', { data: REAL_LIFETIMES, headers: SIMULATOR_ADMIN_HEADERS });
  expect(knobs.status(), await knobs.text()).toBe(200);
}

/** lib/simulator/knobs.ts DEFAULT_KNOBS (providers.md). */
const REAL_LIFETIMES = {
  'amazon-ads': { accessTokenTtlSec: 3600 },
  linkedin: { accessTokenTtlSec: 5_184_000 },
  x: { accessTokenTtlSec: 7200 },
  meta: { accessTokenTtlSec: 5400, longLivedTtlSec: 5_183_944 },
};

async function simulatorState(request: APIRequestContext): Promise<SimulatorState> {
  const res = await request.get('/api/simulator/_admin/state', { headers: SIMULATOR_ADMIN_HEADERS });
  expect(res.status()).toBe(200);
  return (await res.json()) as SimulatorState;
}

/** Successful authorization_code exchanges the simulator has answered for a provider. */
const codeExchanges = (state: SimulatorState, slug: Slug) => state.stats[slug].tokenCalls.authorization_code?.ok ?? 0;

async function statusConnections(request: APIRequestContext): Promise<ConnectionView[]> {
  const res = await request.get('/api/v1/oauth/status');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { connections: ConnectionView[] }).connections;
}

const findConnection = (connections: ConnectionView[], persona: PersonaId) =>
  connections.find((c) => c.provider === PERSONAS[persona].slug && c.account.name === PERSONAS[persona].name);

// ---------------------------------------------------------------------------------------------
// The dashboard

/** The dashboard's card for one account (by provider and exact display name). */
function card(page: Page, persona: PersonaId): Locator {
  const { slug, name } = PERSONAS[persona];
  return page
    .locator(`[data-testid="connection"][data-provider="${slug}"]`)
    .filter({ has: page.getByTestId('connection-name').getByText(name, { exact: true }) });
}

/** A sonner toast with this title or description (a connect toast names the account in its title, the outcome below). */
function toast(page: Page, text: string): Locator {
  return page
    .locator('[data-sonner-toast]')
    .filter({ has: page.locator('[data-title], [data-description]').getByText(text, { exact: true }) });
}

/** Click Connect on the dashboard and wait for the simulator's consent page. */
async function openConsent(page: Page, slug: Slug, region?: Region): Promise<void> {
  await page.goto('/');
  const panel = page.getByTestId(`connect-${slug}`);
  await expect(panel).toBeVisible();
  if (slug === 'amazon-ads') {
    await panel.getByTestId('amazon-region').selectOption(region ?? 'na');
    await panel.getByRole('button', { name: 'Connect' }).click();
  } else {
    await panel.getByRole('link', { name: 'Connect' }).click();
  }
  await page.waitForURL((url) => url.pathname.startsWith(`/api/simulator/${slug}/`));
  await expect(page.getByTestId('sim-allow')).toBeVisible();
}

/** On the consent page: pick the persona, Allow or Deny, and wait to be back on the dashboard. */
async function decide(page: Page, persona: string | null, decision: 'allow' | 'deny'): Promise<void> {
  if (persona) {
    await page.getByTestId(`sim-account-${persona}`).check();
  }
  await page.getByTestId(`sim-${decision}`).click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
}

/**
 * Connects (or reconnects) a persona through the dashboard and the consent page, and checks the
 * toast matches what the database held before. Returns the callback URL the browser was sent to.
 */
async function connect(page: Page, request: APIRequestContext, persona: PersonaId): Promise<string> {
  const p = PERSONAS[persona];
  const before = findConnection(await statusConnections(request), persona);
  const callbacks: string[] = [];
  const onRequest = (req: { url(): string }) => {
    if (new URL(req.url()).pathname === `/api/v1/oauth/${p.slug}/callback`) callbacks.push(req.url());
  };
  page.on('request', onRequest);
  await openConsent(page, p.slug, 'region' in p ? p.region : undefined);
  await decide(page, persona, 'allow');
  page.off('request', onRequest);

  // A revoked connection's tokens were erased: its reconnect replaces none.
  const expected = !before ? MESSAGES.connected : before.status === 'revoked' ? MESSAGES.reconnectedAfterRevoke : MESSAGES.reconnected;
  await expect(toast(page, expected)).toBeVisible();
  await expect(card(page, persona)).toHaveCount(1);
  await expect(card(page, persona).getByTestId('status-badge')).toHaveAttribute('data-health', 'active');
  expect(callbacks, 'the provider sent the browser to our callback exactly once').toHaveLength(1);
  return callbacks[0]!;
}

/** Connects whichever of these personas is not connected and active yet. */
async function ensureConnected(page: Page, request: APIRequestContext, personas: PersonaId[]): Promise<void> {
  for (const persona of personas) {
    const existing = findConnection(await statusConnections(request), persona);
    if (existing?.status !== 'active') await connect(page, request, persona);
  }
}

/** The items listed under a heading (dt) of the card's account details. */
function listed(cardLocator: Locator, label: string): Locator {
  return cardLocator.locator('dl > div').filter({ has: cardLocator.page().locator('dt').getByText(label, { exact: true }) }).locator('dd li');
}

/** A screenshot into test-results/screenshots/, attached to the report. */
async function saveScreenshot(page: Page, testInfo: TestInfo, name: string, { fullPage }: { fullPage: boolean }): Promise<string> {
  const file = path.join(testInfo.project.outputDir, 'screenshots', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  expect(fs.statSync(file).size).toBeGreaterThan(1_000);
  return file;
}

async function expectNoSeriousAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
  }));
  expect(report, `axe violations on ${where}:\n${JSON.stringify(report, null, 2)}`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

test.beforeEach(async ({ request }) => {
  await resetSimulator(request);
});

test('Amazon: North America after Europe is the same account, one card with both regions’ profiles', async ({ page, request }) => {
  expect(findConnection(await statusConnections(request), 'amazon-imani'), 'Imani is connected by this test only').toBeUndefined();
  await connect(page, request, 'amazon-imani');
  const imani = card(page, 'amazon-imani');
  await expect(imani.getByTestId('connection-provider')).toHaveText('Amazon Ads · simulated');

  // The picker says what the region means: the sign-in host, not a separate connection.
  const panel = page.getByTestId('connect-amazon-ads');
  await expect(panel.getByTestId('amazon-region-hint')).toContainText('one connection');
  await expect(panel.getByTestId('amazon-region').locator('option:checked')).toHaveText('North America (amazon.com)');

  // Again through North America: the same Login with Amazon account.
  await openConsent(page, 'amazon-ads', 'na');
  await decide(page, 'amazon-imani', 'allow');
  await expect(toast(page, 'Imani Bello (Amazon Ads) was already connected; North America profiles added.')).toBeVisible();
  await expect(imani).toHaveCount(1);
  await expect(page.locator('[data-testid="connection"][data-provider="amazon-ads"]').filter({ hasText: 'Imani Bello' })).toHaveCount(1);
  await expect(imani.getByTestId('connection-provider')).toHaveText('Amazon Ads · simulated');
  await expect(imani.locator('dt').filter({ hasText: /^Profiles/ })).toHaveText(['Profiles · North America', 'Profiles · Europe']);
  await expect(listed(imani, 'Profiles · North America')).toHaveText(['Bello Ceramics (US, seller)']);
  await expect(listed(imani, 'Profiles · Europe')).toHaveText(['Bello Ceramics EU (FR, seller)']);
  const [stored] = (await statusConnections(request)).filter((c) => c.account.name === 'Imani Bello');
  expect(stored?.metadata).toMatchObject({ region: 'na', consentRegions: ['eu', 'na'] });
});

test('connects all four providers through the consent pages, Amazon in two regions', async ({ page, request }) => {
  // Amazon: Avery via North America.
  await connect(page, request, 'amazon-avery');
  const avery = card(page, 'amazon-avery');
  // Labelled by account: the consent region is no part of the label (issue 10 item 7).
  await expect(avery.getByTestId('connection-provider')).toHaveText('Amazon Ads · simulated');
  await expect(listed(avery, 'Profiles · North America')).toHaveText([
    'Quinn Outdoor Gear (US, seller)',
    'Quinn Outdoor Gear (CA, seller)',
  ]);
  await expect(listed(avery, 'Profiles · Europe')).toHaveText([
    'Quinn Outdoor Gear EU (UK, seller)',
    'Quinn Outdoor Gear EU (DE, seller)',
  ]);
  await expect(listed(avery, 'Profiles · Far East')).toHaveCount(0);
  // Regions in the connect panel's order, not the database's key order.
  await expect(avery.locator('dt').filter({ hasText: /^Profiles/ })).toHaveText([
    'Profiles · North America',
    'Profiles · Europe',
  ]);

  // Amazon: Kenji via Far East, a second Amazon card.
  await connect(page, request, 'amazon-kenji');
  const kenji = card(page, 'amazon-kenji');
  await expect(listed(kenji, 'Profiles · Far East')).toHaveText([
    'Watanabe Kitchenware (JP, vendor)',
    'Watanabe Kitchenware AU (AU, seller)',
  ]);
  await expect(listed(kenji, 'Profiles · North America')).toHaveCount(0);
  await expect(card(page, 'amazon-avery')).toHaveCount(1);

  // The region chosen in the select reached the token exchange and is kept with the connection.
  const amazon = await statusConnections(request);
  expect(findConnection(amazon, 'amazon-avery')?.metadata.region).toBe('na');
  expect(findConnection(amazon, 'amazon-kenji')?.metadata.region).toBe('fe');

  await connect(page, request, 'linkedin-maya');
  await expect(listed(card(page, 'linkedin-maya'), 'Ad accounts')).toHaveText([
    /^Northwind Brand Awareness\b/,
    /^Northwind Lead Gen EMEA\b/,
  ]);

  await connect(page, request, 'x-riley');
  await expect(listed(card(page, 'x-riley'), 'Account')).toHaveText(['Riley Chen @riley_ships']);

  await connect(page, request, 'meta-lucia');
  const lucia = card(page, 'meta-lucia');
  await expect(listed(lucia, 'Pages')).toHaveText(['Casa Lucía Bakery', 'Lucía Fernández Catering']);
  await expect(listed(lucia, 'Instagram business accounts')).toHaveText(['@casalucia.bakery (via Casa Lucía Bakery)']);
  await expect(listed(lucia, 'Ad accounts')).toHaveText([/^Casa Lucía – Always On\b/, /^Catering Promotions\b/]);

  // Every card is on one dashboard, each once, and each code was exchanged exactly once.
  await page.goto('/');
  for (const persona of ALL) await expect(card(page, persona)).toHaveCount(1);
  const sim = await simulatorState(request);
  expect(codeExchanges(sim, 'amazon-ads')).toBe(2);
  for (const slug of ['linkedin', 'x', 'meta'] as const) expect(codeExchanges(sim, slug), slug).toBe(1);
});

test('connecting the same X account again replaces its tokens and keeps one card', async ({ page, request }) => {
  await connect(page, request, 'x-riley');
  const first = findConnection(await statusConnections(request), 'x-riley');
  expect(first).toBeDefined();
  const xCount = (await statusConnections(request)).filter((c) => c.provider === 'x').length;

  await openConsent(page, 'x');
  await decide(page, 'x-riley', 'allow');
  await expect(toast(page, MESSAGES.reconnected)).toBeVisible();
  await expect(card(page, 'x-riley')).toHaveCount(1);
  await expect(card(page, 'x-riley')).toHaveAttribute('data-connection-id', first!.id);

  const after = await statusConnections(request);
  expect(after.filter((c) => c.provider === 'x')).toHaveLength(xCount);
  expect(after.filter((c) => c.provider === 'x' && c.account.name === '@riley_ships')).toHaveLength(1);

  // At X, the first grant was superseded by the second: one live grant for Riley.
  const sim = await simulatorState(request);
  const riley = sim.grants.filter((g) => g.provider === 'x' && g.personaId === 'x-riley');
  expect(riley).toHaveLength(2);
  expect(riley.filter((g) => g.revoked === null)).toHaveLength(1);
});

test('denying consent at LinkedIn stores nothing and says so', async ({ page, request }) => {
  const before = await statusConnections(request);
  await page.goto('/');
  // Counted once the list is shown (not the loading skeleton, nor the hidden streamed copy).
  await expect(page.getByTestId('connection-grid').or(page.getByTestId('no-connections'))).toBeVisible();
  const cardsBefore = await page.getByTestId('connection').count();

  await openConsent(page, 'linkedin');
  await decide(page, 'linkedin-omar', 'deny');
  await expect(toast(page, MESSAGES.denied)).toBeVisible();
  // The toast tidies the URL: a reload does not show it again.
  await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');

  await expect(page.getByTestId('connection')).toHaveCount(cardsBefore);
  await expect(page.locator('[data-testid="connection"][data-provider="linkedin"]').filter({ hasText: 'Omar Haddad' })).toHaveCount(0);
  expect(await statusConnections(request)).toHaveLength(before.length);
  const sim = await simulatorState(request);
  expect(sim.stats.linkedin.tokenCalls, 'no token request after a denial').toEqual({});
  expect(sim.grants.filter((g) => g.provider === 'linkedin')).toEqual([]);
});

test('disconnecting X revokes at X; disconnecting Amazon names the manual step', async ({ page, request }, testInfo) => {
  await connect(page, request, 'x-sam');
  const sam = card(page, 'x-sam');
  const before = await simulatorState(request);

  await sam.getByTestId('disconnect').click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Disconnect @samokoro_ads from X?');
  await expect(dialog).toContainText('X revokes the grant');
  await dialog.getByTestId('confirm-disconnect').click();
  await expect(dialog).toBeHidden();

  await expect(toast(page, 'Disconnected and revoked at the provider.')).toBeVisible();
  await expect(sam.getByTestId('status-badge')).toHaveAttribute('data-health', 'revoked');
  await expect(sam.getByTestId('status-badge')).toHaveText('Revoked');
  await expect(sam.getByTestId('disconnect')).toHaveCount(0);

  const after = await simulatorState(request);
  expect(after.stats.x.revocations.endpoint).toBeGreaterThan(before.stats.x.revocations.endpoint);
  const grant = after.grants.find((g) => g.provider === 'x' && g.personaId === 'x-sam');
  expect(grant?.revoked?.reason).toBe('revoked_by_app');
  expect(grant?.liveAccessTokens).toBe(0);
  expect(findConnection(await statusConnections(request), 'x-sam')?.status).toBe('revoked');

  // Amazon has no revocation endpoint: the grant stays live there and the toast says what to do.
  await connect(page, request, 'amazon-kenji');
  const kenji = card(page, 'amazon-kenji');
  await kenji.getByTestId('disconnect').click();
  await expect(dialog).toContainText('amazon.com/ap/adam');
  await dialog.getByTestId('confirm-disconnect').click();
  const amazonToast = toast(page, 'Disconnected. Tokens were erased.');
  await expect(amazonToast).toBeVisible();
  await expect(amazonToast.locator('[data-description]')).toContainText('amazon.com/ap/adam');
  await expect(kenji.getByTestId('status-badge')).toHaveAttribute('data-health', 'revoked');
  // Once sonner's enter transition has finished, for the artifact.
  await amazonToast.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
  await saveScreenshot(page, testInfo, 'connections-disconnect-toast-1280', { fullPage: false });

  const amazonAfter = await simulatorState(request);
  expect(amazonAfter.stats['amazon-ads'].revocations.endpoint).toBe(0);
  expect(amazonAfter.grants.find((g) => g.provider === 'amazon-ads' && g.personaId === 'amazon-kenji')?.revoked).toBeNull();
});

test('a forged or replayed callback lands on the error page and stores nothing', async ({ page, request }) => {
  const before = await statusConnections(request);

  await page.goto('/api/v1/oauth/x/callback?state=forged&code=x');
  await expect(page).toHaveURL((url) => url.pathname === '/oauth/error');
  const error = page.getByTestId('oauth-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText(MESSAGES.invalidState);
  expect(await statusConnections(request)).toEqual(before);
  expect(codeExchanges(await simulatorState(request), 'x'), 'a forged state never reaches X').toBe(0);
  await expectNoSeriousAxeViolations(page, '/oauth/error');

  // A real callback, replayed after it was used: the state is single use.
  const callback = await connect(page, request, 'x-riley');
  const connected = await statusConnections(request);
  const exchanges = codeExchanges(await simulatorState(request), 'x');
  await page.goto(callback);
  await expect(page).toHaveURL((url) => url.pathname === '/oauth/error');
  await expect(page.getByTestId('oauth-error')).toContainText(MESSAGES.invalidState);
  expect(await statusConnections(request)).toEqual(connected);
  expect(codeExchanges(await simulatorState(request), 'x'), 'a replay never reaches X').toBe(exchanges);

  // The way back works.
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
});

test('the status API lists the connections with their accounts and never a token', async ({ page, request }) => {
  await ensureConnected(page, request, ALL);

  const res = await request.get('/api/v1/oauth/status');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toContain('no-store');
  const text = await res.text();
  const { connections } = JSON.parse(text) as { connections: ConnectionView[] };

  const avery = findConnection(connections, 'amazon-avery');
  expect(avery).toMatchObject({ status: 'active', metadata: { region: 'na', simulated: true } });
  expect(JSON.stringify(avery?.metadata)).toContain('Quinn Outdoor Gear EU');
  expect(findConnection(connections, 'amazon-kenji')?.metadata).toMatchObject({ region: 'fe' });
  expect(JSON.stringify(findConnection(connections, 'linkedin-maya')?.metadata)).toContain('Northwind Lead Gen EMEA');
  expect(findConnection(connections, 'x-riley')?.metadata).toMatchObject({ username: 'riley_ships', name: 'Riley Chen' });
  expect(JSON.stringify(findConnection(connections, 'meta-lucia')?.metadata)).toContain('17841405822304914');

  assertNoTokens(text, 'GET /api/v1/oauth/status');

  // Nor does the dashboard's HTML (server-rendered cards and the RSC payload) carry one.
  await page.goto('/');
  assertNoTokens(await page.content(), 'the dashboard');
});

/** No ciphertext, token field or token-shaped string (the simulator mints realistic shapes). */
function assertNoTokens(text: string, where: string): void {
  expect(text, `${where}: Fernet ciphertext`).not.toContain('gAAAAA');
  expect(text, `${where}: access_token key`).not.toMatch(/"access_?token(_?enc)?"\s*:/i);
  expect(text, `${where}: refresh_token key`).not.toMatch(/"refresh_?token(_?enc)?"\s*:/i);
  expect(text, `${where}: Amazon tokens`).not.toMatch(/Atz[ar]\|/);
  expect(text, `${where}: Meta tokens`).not.toMatch(/EAA[A-Za-z0-9]{20,}/);
  expect(text, `${where}: LinkedIn tokens`).not.toMatch(/AQ[VXT][A-Za-z0-9_-]{40,}/);
  // X's tokens are plain base64 of at least 63 bytes (84+ characters); nothing legitimate here is
  // an 80-character run of base64 or base64url.
  expect(text, `${where}: long base64 run`).not.toMatch(/[A-Za-z0-9+/_-]{80,}/);
}

test('screenshots of the dashboard with every connection at 1440px and 375px', async ({ page, request }, testInfo) => {
  await ensureConnected(page, request, ALL);
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    for (const persona of ALL) await expect(card(page, persona)).toBeVisible();
    await page.waitForLoadState('networkidle');
    await saveScreenshot(page, testInfo, `connections-${width}`, { fullPage: true });

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
  }
});

test('axe finds no serious or critical violations on the dashboard with connections', async ({ page, request }) => {
  await ensureConnected(page, request, ALL);
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    for (const persona of ALL) await expect(card(page, persona)).toBeVisible();
    await expectNoSeriousAxeViolations(page, `/ with connections at ${width}px`);
  }

  // The disconnect confirmation, open.
  await page.setViewportSize({ width: 1440, height: 900 });
  await expectHydrated(card(page, 'linkedin-maya').getByTestId('disconnect'), 'Disconnect');
  await card(page, 'linkedin-maya').getByTestId('disconnect').click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await expectNoSeriousAxeViolations(page, 'the disconnect dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('alertdialog')).toBeHidden();
});

test('axe finds no serious or critical violations on each simulator consent page', async ({ page }, testInfo) => {
  // Eight pages, each loaded and scanned: over a minute on a busy 2-core machine.
  test.setTimeout(150_000);
  for (const slug of ['amazon-ads', 'linkedin', 'x', 'meta'] as const) {
    for (const width of [1440, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await openConsent(page, slug, slug === 'amazon-ads' ? 'eu' : undefined);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('(simulated)');
      await expectNoSeriousAxeViolations(page, `the ${slug} consent page at ${width}px`);
      await saveScreenshot(page, testInfo, `consent-${slug}-${width}`, { fullPage: true });
      // Leave through Deny so no state is left half-used.
      await decide(page, null, 'deny');
      await expect(toast(page, MESSAGES.denied)).toBeVisible();
    }
  }
});
