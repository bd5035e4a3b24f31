import crypto from 'node:crypto';
import { type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { expect, test as base } from './support/test';
import { type CryptoKey } from 'jose';
import { Webhook } from 'svix';
import {
  clerkServerEnv,
  makeClerkKeys,
  mintSession,
  newUserId,
  offline,
  signIn,
  type Session,
} from './support/clerk';
import { startServer, waitForHealthy, type Server } from './support/server';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Two Clerk users on one server (session tokens minted here, the simulator on): everything user A
 * has — connections, audit events, API keys — is invisible to user B, in every page and every API.
 * Each "B cannot see it" is paired with "A can", so a check that passes only because the thing is
 * missing altogether cannot pass.
 */

let server: Server;
let signingKey: CryptoKey;
const WEBHOOK_SECRET = `whsec_${crypto.randomBytes(24).toString('base64')}`;

const test = base.extend({
  baseURL: async ({}, provide) => provide(server?.url),
});
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const keys = await makeClerkKeys();
  signingKey = keys.signingKey;
  // AUTH_MODE unset: Clerk is chosen because its keys are present.
  server = await startServer({ env: clerkServerEnv(keys, { SIMULATOR: 'on', CLERK_WEBHOOK_SIGNING_SECRET: WEBHOOK_SECRET }) });
  await waitForHealthy(server);
});

test.afterAll(async () => {
  await server?.stop();
});

interface Person {
  id: string;
  session: Session;
  context: BrowserContext;
  page: Page;
}

const A = {} as Person;
const B = {} as Person;
/** What A made: a connection (with its persona's name) and an API key. */
const made = { connectionId: '', accountName: '@riley_ships', key: '', keyPrefix: '', keyName: 'A’s warehouse sync' };
let bKey = '';

const bearer = (p: Person) => ({ authorization: `Bearer ${p.session.jwt}` });
const asDocument = (p: Person) => ({ cookie: `__session=${p.session.jwt}; __client_uat=${p.session.iat}`, accept: 'text/html' });

/** The server-rendered page as this person gets it: status and HTML. */
async function fetchPage(request: APIRequestContext, p: Person, path: string) {
  const res = await request.get(path, { headers: asDocument(p), maxRedirects: 0 });
  return { status: res.status(), html: await res.text() };
}

test.beforeAll(async ({ browser }) => {
  for (const p of [A, B]) {
    p.id = newUserId();
    p.session = await mintSession(server.url, signingKey, p.id);
    p.context = await browser.newContext({ baseURL: server.url });
    await offline(p.context, server.url);
    await signIn(p.context, server.url, p.session);
    p.page = await p.context.newPage();
  }
});

test.afterAll(async () => {
  for (const p of [A, B]) await p.context?.close();
});

test('user A connects an account through the consent page and creates an API key', async ({ request }) => {
  const { connectionId, outcome } = await connectThroughConsent(A.page, { provider: 'x', persona: 'x-riley' });
  expect(outcome).toBe('connected');
  made.connectionId = connectionId;
  await expect(A.page.getByText(made.accountName).first()).toBeVisible();

  await A.page.goto('/settings');
  await A.page.getByLabel('Key name').fill(made.keyName);
  await A.page.getByTestId('create-api-key').click();
  made.key = await A.page.getByTestId('api-key-secret').inputValue();
  expect(made.key).toMatch(/^gk_[a-z2-7]{8}_/);
  made.keyPrefix = made.key.slice(3, 11);

  // B has a key of their own, made through the API.
  const res = await request.post('/api/v1/api-keys', { headers: bearer(B), data: { name: 'B’s key' } });
  expect(res.status(), await res.text()).toBe(201);
  bKey = ((await res.json()) as { key: string }).key;

  // A's key works for A's connection: the checks below could fail.
  const token = await request.get(`/api/v1/connections/${made.connectionId}/access-token`, {
    headers: { authorization: `Bearer ${made.key}` },
  });
  expect(token.status(), await token.text()).toBe(200);
});

test('in the UI, B sees none of A’s connections, events or keys', async ({ request }) => {
  const secrets = () => [made.connectionId, made.accountName, made.keyPrefix, made.keyName];

  await test.step('the dashboard', async () => {
    const a = await fetchPage(request, A, '/');
    expect(a.status).toBe(200);
    expect(a.html).toContain(made.connectionId);
    const b = await fetchPage(request, B, '/');
    expect(b.status).toBe(200);
    expect(b.html).toContain(`data-user-id="${B.id}"`);
    for (const s of [made.connectionId, made.accountName]) expect(b.html, s).not.toContain(s);
    // And in B's browser, once the page has hydrated and fetched whatever it fetches.
    await B.page.goto('/');
    await B.page.waitForLoadState('networkidle');
    expect(await B.page.content()).not.toContain(made.connectionId);
    await expect(B.page.getByText(made.accountName)).toHaveCount(0);
  });

  await test.step('the audit log', async () => {
    await A.page.goto('/audit');
    await expect(A.page.locator(`[data-testid="audit-row"][data-connection-id="${made.connectionId}"]`).first()).toBeVisible();
    await expect(A.page.locator('[data-testid="audit-row"][data-action="api_key.created"]')).toContainText(made.keyPrefix);

    await B.page.goto('/audit');
    await expect(B.page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    // B's own key creation is there; nothing of A's is.
    await expect(B.page.getByTestId('audit-row')).toHaveCount(1);
    await expect(B.page.getByTestId('audit-row')).toHaveAttribute('data-action', 'api_key.created');
    const html = await B.page.content();
    for (const s of [made.connectionId, made.accountName, made.keyPrefix]) expect(html, s).not.toContain(s);
    await expect(B.page.getByTestId('filter-connection').locator('option')).toHaveText(['All connections']);
    // Not even by asking for A's connection in the URL.
    await B.page.goto(`/audit?connection=${made.connectionId}`);
    await expect(B.page.getByTestId('audit-empty')).toContainText('No events match these filters');
  });

  await test.step('settings', async () => {
    const a = await fetchPage(request, A, '/settings');
    expect(a.html).toContain(made.keyPrefix);
    expect(a.html).toContain(made.connectionId);
    const b = await fetchPage(request, B, '/settings');
    expect(b.status).toBe(200);
    expect(b.html).toContain(bKey.slice(3, 11));
    for (const s of secrets()) expect(b.html, s).not.toContain(s);
  });

  await test.step('A’s connection page is "not found" for B', async () => {
    const a = await fetchPage(request, A, `/connections/${made.connectionId}`);
    expect(a.status).toBe(200);
    expect(a.html).toContain(made.accountName);
    const b = await fetchPage(request, B, `/connections/${made.connectionId}`);
    expect(b.html).not.toContain(made.accountName);
    await B.page.goto(`/connections/${made.connectionId}`);
    await expect(B.page.getByTestId('connection-not-found')).toContainText('No such connection');
    expect(await B.page.content()).not.toContain(made.accountName);
    // Not just a "not found" page: the HTTP status says so too.
    expect(b.status).toBe(404);
  });
});

test('through the API, B sees none of A’s connections or keys and cannot touch them', async ({ request }) => {
  await test.step('GET /api/v1/oauth/status', async () => {
    const a = await request.get('/api/v1/oauth/status', { headers: bearer(A) });
    expect(((await a.json()) as { connections: { id: string }[] }).connections.map((c) => c.id)).toEqual([made.connectionId]);
    const b = await request.get('/api/v1/oauth/status', { headers: bearer(B) });
    expect(b.status()).toBe(200);
    expect(((await b.json()) as { connections: unknown[] }).connections).toEqual([]);
  });

  await test.step('GET /api/v1/api-keys', async () => {
    const a = await request.get('/api/v1/api-keys', { headers: bearer(A) });
    expect(((await a.json()) as { apiKeys: { prefix: string }[] }).apiKeys.map((k) => k.prefix)).toEqual([made.keyPrefix]);
    const b = await request.get('/api/v1/api-keys', { headers: bearer(B) });
    expect(b.status()).toBe(200);
    expect(((await b.json()) as { apiKeys: { prefix: string }[] }).apiKeys.map((k) => k.prefix)).toEqual([bKey.slice(3, 11)]);
  });

  await test.step('A’s connection through B’s own API key → 404', async () => {
    const res = await request.get(`/api/v1/connections/${made.connectionId}/access-token`, {
      headers: { authorization: `Bearer ${bKey}` },
    });
    expect(res.status()).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  await test.step('DELETE A’s connection as B → 404, and it stays connected', async () => {
    const res = await request.delete(`/api/v1/connections/${made.connectionId}`, { headers: bearer(B) });
    expect(res.status()).toBe(404);
    const a = await request.get('/api/v1/oauth/status', { headers: bearer(A) });
    expect(((await a.json()) as { connections: { status: string }[] }).connections[0]?.status).toBe('active');
    const token = await request.get(`/api/v1/connections/${made.connectionId}/access-token`, {
      headers: { authorization: `Bearer ${made.key}` },
    });
    expect(token.status()).toBe(200);
  });

  await test.step('the prototype’s routes as B: none of A’s accounts, and A’s connection untouched', async () => {
    const accounts = await request.get('/api/v1/users/me/accounts', { headers: bearer(B) });
    expect(accounts.status()).toBe(200);
    expect(((await accounts.json()) as { accounts: unknown[] }).accounts).toEqual([]);
    const me = await request.get('/api/v1/users/me', { headers: bearer(A) });
    expect(((await me.json()) as { id: string }).id).not.toBe(((await (await request.get('/api/v1/users/me', { headers: bearer(B) })).json()) as { id: string }).id);
    const refresh = await request.post(`/api/v1/oauth/x/refresh?connection=${made.connectionId}`, { headers: bearer(B) });
    expect(refresh.status()).toBe(404);
    const disconnect = await request.delete('/api/v1/oauth/twitter/disconnect', { headers: bearer(B) });
    expect(disconnect.status()).toBe(404);
    const a = await request.get('/api/v1/users/me/accounts', { headers: bearer(A) });
    expect(((await a.json()) as { accounts: { id: string; status: string }[] }).accounts).toMatchObject([{ id: made.connectionId, status: 'active' }]);
  });

  await test.step('revoking A’s key as B → 404, and it keeps working', async () => {
    const keys = (await (await request.get('/api/v1/api-keys', { headers: bearer(A) })).json()) as { apiKeys: { id: string }[] };
    const res = await request.delete(`/api/v1/api-keys/${keys.apiKeys[0]!.id}`, { headers: bearer(B) });
    expect(res.status()).toBe(404);
    const token = await request.get(`/api/v1/connections/${made.connectionId}/access-token`, {
      headers: { authorization: `Bearer ${made.key}` },
    });
    expect(token.status()).toBe(200);
  });
});

test('a user deleted at Clerk gets a redirect, not their audit log or settings', async ({ request }) => {
  const gone = { id: newUserId() } as Person;
  gone.session = await mintSession(server.url, signingKey, gone.id);
  const created = await request.post('/api/v1/api-keys', { headers: bearer(gone), data: { name: 'soon gone' } });
  expect(created.status()).toBe(201);
  const prefix = ((await created.json()) as { prefix: string }).prefix;
  for (const path of ['/audit', '/settings']) {
    const before = await fetchPage(request, gone, path);
    expect(before.status, path).toBe(200);
    expect(before.html, path).toContain(prefix);
  }

  const body = JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: gone.id, object: 'user', deleted: true } });
  const msgId = `msg_${crypto.randomBytes(10).toString('hex')}`;
  const at = new Date();
  const res = await request.post('/api/webhooks/clerk', {
    headers: {
      'content-type': 'application/json',
      'svix-id': msgId,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(WEBHOOK_SECRET).sign(msgId, at, body),
    },
    data: body,
  });
  expect(res.status(), await res.text()).toBe(200);

  for (const path of ['/audit', '/settings']) {
    const after = await fetchPage(request, gone, path);
    expect(after.html, path).not.toContain(prefix);
    // A real redirect, decided before anything streamed (the check runs in the section's layout).
    expect(after.status, path).toBe(307);
  }
});
