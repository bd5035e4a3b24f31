import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { expectHydrated } from './support/page-checks';
import { expect, test } from './support/test';
import { SIMULATOR_CREDENTIALS } from '../lib/simulator/credentials';
import { startServer, waitForHealthy, type Server } from './support/server';
import { SIMULATOR_ADMIN_HEADERS, SIMULATOR_ADMIN_SECRET } from './support/simulator-admin';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Issue 8 item 19: `next dev` prints a line for every request, query string included, and the
 * OAuth callback carries the authorization code. Under `next dev` (as `npm run dev` runs it: the
 * embedded database in a fresh data directory, local sign-in, the simulator for every provider)
 * Chromium connects, refreshes and disconnects one account at each of the four providers; then
 * every code and token the simulator issued, every state it saw, the appsecret_proofs, the
 * simulated client secrets, the admin secret and the generated encryption key are searched for in
 * the server's whole stdout and stderr. None may appear.
 *
 * META_APP_SECRET_PROOF=on and the simulator's "Require App Secret" knob make every Graph call
 * prove it carries appsecret_proof. `next dev` compiles each route on first use, which takes a
 * while on a small machine: the timeouts are generous.
 */

const ACCOUNTS = [
  { provider: 'amazon-ads', persona: 'amazon-avery', name: 'Avery Quinn', region: 'na', revokes: false },
  { provider: 'linkedin', persona: 'linkedin-maya', name: 'Maya Lindqvist', revokes: true },
  { provider: 'x', persona: 'x-riley', name: '@riley_ships', revokes: true },
  { provider: 'meta', persona: 'meta-lucia', name: 'Lucía Fernández', revokes: true },
] as const;

type Slug = (typeof ACCOUNTS)[number]['provider'];

interface Issued {
  codes: { provider: Slug; value: string }[];
  accessTokens: { provider: Slug; value: string }[];
  refreshTokens: { provider: Slug; value: string }[];
}

interface SimulatorState {
  stats: Record<Slug, { tokenCalls: Record<string, Record<string, number>>; revocations: { endpoint: number } }>;
}

const SLOW = { timeout: 120_000 };

let server: Server;
let admin: APIRequestContext;
let context: BrowserContext;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  server = await startServer({ command: 'dev', env: { META_APP_SECRET_PROOF: 'on' } });
  await waitForHealthy(server, 240_000);
  admin = await playwrightRequest.newContext({ baseURL: server.url, extraHTTPHeaders: SIMULATOR_ADMIN_HEADERS });
  context = await browser.newContext({ baseURL: server.url });
});

test.afterAll(async () => {
  await context?.close();
  await admin?.dispose();
  await server?.stop();
});

async function simulatorState(): Promise<SimulatorState> {
  const res = await admin.get('/api/simulator/_admin/state', SLOW);
  expect(res.status()).toBe(200);
  return (await res.json()) as SimulatorState;
}

/** A sonner toast with this title naming this account. */
const toast = (page: Page, title: string, name: string) =>
  page
    .locator('[data-sonner-toast]')
    .filter({ has: page.locator('[data-title]').getByText(title, { exact: true }) })
    .filter({ has: page.locator('[data-description]').getByText(name) });

/** Every place `needle` occurs in `haystack`, with a little context, for the failure message. */
function occurrences(haystack: string, needle: string): string[] {
  const found: string[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
    found.push(haystack.slice(Math.max(0, i - 80), i + needle.length + 20));
  }
  return found;
}

test('under next dev, connect, refresh and disconnect at every provider leave no code, token or secret in the log', async () => {
  test.setTimeout(900_000);
  // The admin API wants its secret here too (it is set, so it is required even in development).
  const bare = await playwrightRequest.newContext({ baseURL: server.url });
  expect((await bare.get('/api/simulator/_admin/state', SLOW)).status()).toBe(401);
  await bare.dispose();
  const knobs = await admin.post('/api/simulator/_admin/knobs', { data: { meta: { requireAppSecretProof: true } }, ...SLOW });
  expect(knobs.status(), await knobs.text()).toBe(200);

  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  page.setDefaultNavigationTimeout(180_000);
  // The states the app sent to the providers (single-use secrets of the flow).
  const states = new Set<string>();
  page.on('request', (req) => {
    const state = new URL(req.url()).searchParams.get('state');
    if (state) states.add(state);
  });

  const ids: Record<string, string> = {};
  for (const a of ACCOUNTS) {
    const { connectionId } = await connectThroughConsent(page, { provider: a.provider, persona: a.persona, region: 'region' in a ? a.region : undefined });
    ids[a.provider] = connectionId;
  }

  await page.goto('/');
  for (const a of ACCOUNTS) {
    const card = page.locator(`[data-testid="connection"][data-connection-id="${ids[a.provider]}"]`);
    await expect(card.getByTestId('connection-name')).toHaveText(a.name);
    // Hydrated first: a click on the server's HTML refreshes nothing.
    await expectHydrated(card.getByTestId('refresh-now'), 'Refresh now');
    await card.getByTestId('refresh-now').click();
    await expect(toast(page, 'Token refreshed.', a.name)).toBeVisible();
  }
  for (const a of ACCOUNTS) {
    const card = page.locator(`[data-testid="connection"][data-connection-id="${ids[a.provider]}"]`);
    await card.getByTestId('disconnect').click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByTestId('confirm-disconnect').click();
    await expect(dialog).toBeHidden();
    await expect(toast(page, a.revokes ? 'Disconnected and revoked at the provider.' : 'Disconnected. Tokens were erased.', a.name)).toBeVisible();
    await expect(card.getByTestId('status-badge')).toHaveAttribute('data-health', 'revoked');
  }

  // Everything really happened at the (simulated) providers.
  const sim = await simulatorState();
  for (const a of ACCOUNTS) {
    const calls = sim.stats[a.provider].tokenCalls;
    expect(calls.authorization_code?.ok, `${a.provider} code exchange`).toBe(1);
    const refreshGrant = a.provider === 'meta' ? 'fb_exchange_token' : 'refresh_token';
    // Meta: the long-lived exchange at connect time, then Refresh now.
    expect(calls[refreshGrant]?.ok, `${a.provider} refresh`).toBe(a.provider === 'meta' ? 2 : 1);
    expect(sim.stats[a.provider].revocations.endpoint, `${a.provider} revocation`).toBe(a.revokes ? 1 : 0);
  }
  const res = await admin.get('/api/simulator/_admin/issued', SLOW);
  expect(res.status()).toBe(200);
  const issued = (await res.json()) as Issued;
  const encryptionKey = fs.readFileSync(path.join(server.dataDir, 'encryption.key'), 'utf8').trim();
  // Stopped, so the output is complete (stop() waits for the streams to close).
  await server.stop();

  const metaSecret = SIMULATOR_CREDENTIALS.meta.clientSecret;
  const secrets = new Map<string, string>();
  for (const { provider, value } of issued.codes) secrets.set(value, `${provider} authorization code`);
  for (const { provider, value } of issued.accessTokens) {
    secrets.set(value, `${provider} access token`);
    if (provider === 'meta') secrets.set(createHmac('sha256', metaSecret).update(value).digest('hex'), 'meta appsecret_proof');
  }
  for (const { provider, value } of issued.refreshTokens) secrets.set(value, `${provider} refresh token`);
  for (const state of states) secrets.set(state, 'OAuth state');
  for (const [provider, { clientSecret }] of Object.entries(SIMULATOR_CREDENTIALS)) secrets.set(clientSecret, `${provider} client secret`);
  secrets.set(SIMULATOR_ADMIN_SECRET, 'SIMULATOR_ADMIN_SECRET');
  secrets.set(encryptionKey, 'generated encryption key');

  expect(issued.codes.length, 'one code per provider').toBe(4);
  // Amazon (refresh), LinkedIn (refresh), X (refresh), Meta (short, long-lived, re-exchanged).
  expect(issued.accessTokens.length).toBeGreaterThanOrEqual(9);
  expect(issued.refreshTokens.length).toBeGreaterThanOrEqual(3);
  expect(states.size, 'one state per connect').toBe(4);

  const log = server.output();
  // The scan reads a real request log: next dev printed the dashboard's requests.
  expect(log).toMatch(/GET \/ 200 in /);
  const leaks = [...secrets].flatMap(([value, what]) => occurrences(log, value).map((where) => `${what}: …${where}…`));
  expect(leaks, 'secrets in the next dev output').toEqual([]);
});
