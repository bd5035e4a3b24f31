import crypto from 'node:crypto';
import { type Page } from '@playwright/test';
import { expect, test as base } from './support/test';
import { type CryptoKey } from 'jose';
import { Webhook } from 'svix';
import {
  clerkServerEnv,
  makeClerkKeys,
  makeForeignKey,
  mintSession as mintSessionFor,
  newUserId,
  offline,
  SIGN_IN_HOST,
  signIn,
  type Session,
} from './support/clerk';
import { startClerkBackendStub, type ClerkBackendStub } from './support/clerk-backend-stub';
import { expectNoHorizontalScroll, saveScreenshot, visibleBox } from './support/page-checks';
import { startServer, waitForHealthy, type Server } from './support/server';

/**
 * Clerk mode with no network: session tokens are minted here and verified by the server with
 * CLERK_JWT_KEY (e2e/support/clerk.ts), and Clerk's Backend API (CLERK_API_URL, where sign-out
 * revokes the session) is a stub on 127.0.0.1.
 */

const WEBHOOK_SECRET = `whsec_${crypto.randomBytes(24).toString('base64')}`;

let server: Server;
let clerkApi: ClerkBackendStub;
let secretKey: string;
let signingKey: CryptoKey;
let foreignKey: CryptoKey;

const test = base.extend({
  // Every request, page and context in this file talks to the Clerk-mode server. (Playwright
  // also resolves this option once before beforeAll has started the server, hence the `?.`.)
  baseURL: async ({}, provide) => provide(server?.url),
});

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const keys = await makeClerkKeys();
  signingKey = keys.signingKey;
  foreignKey = await makeForeignKey();
  clerkApi = await startClerkBackendStub();
  const env = clerkServerEnv(keys, { CLERK_WEBHOOK_SIGNING_SECRET: WEBHOOK_SECRET, CLERK_API_URL: clerkApi.url });
  secretKey = env.CLERK_SECRET_KEY!;
  server = await startServer({ env });
  await waitForHealthy(server);
});

test.afterAll(async () => {
  await server?.stop();
  await clerkApi?.stop();
});

/** A Clerk session token for this file's server, signed with its key unless told otherwise. */
function mintSession(
  sub: string,
  { key = signingKey, ...options }: { key?: CryptoKey; expiresIn?: number; issuedAgo?: number } = {},
): Promise<Session> {
  return mintSessionFor(server.url, key, sub, options);
}

/** Opens the dashboard; returns the server-rendered HTML and the signed-in label element. */
async function openDashboard(page: Page) {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  return { html: await response!.text(), signedIn: page.getByTestId('signed-in-as') };
}

test.describe('session tokens on the API', () => {
  test('a valid bearer session token identifies the user', async ({ request }) => {
    const sub = newUserId();
    const { jwt } = await mintSession(sub);
    const res = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${jwt}` } });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ id: sub, authMode: 'clerk' });
    expect(res.headers()['x-request-id']).toBeTruthy();
  });

  test('no token, an expired token, or a token from another key is 401', async ({ request }) => {
    const none = await request.get('/api/v1/me');
    expect(none.status()).toBe(401);
    // The one error shape of every /api answer, request id included.
    expect(await none.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String), requestId: none.headers()['x-request-id'] },
    });
    expect(none.headers()['x-request-id']).toBeTruthy();

    const expired = await mintSession(newUserId(), { issuedAgo: 7200, expiresIn: -3600 });
    const foreign = await mintSession(newUserId(), { key: foreignKey });
    for (const [what, { jwt }] of [['expired', expired], ['foreign key', foreign]] as const) {
      const res = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${jwt}` } });
      expect(res.status(), what).toBe(401);
      expect(JSON.stringify(await res.json()), what).not.toContain('authMode');
    }
  });
});

test.describe('the dashboard with a Clerk session cookie', () => {
  test('renders server-side for the signed-in user', async ({ page, context, baseURL }) => {
    await offline(context, baseURL!);
    const sub = newUserId();
    await signIn(context, baseURL!, await mintSession(sub));

    const { html, signedIn } = await openDashboard(page);
    expect(html).toContain(`data-user-id="${sub}"`);
    await expect(page).toHaveURL(`${baseURL}/`);
    await expect(signedIn).toContainText('Signed in as');
    // No profile has arrived by webhook yet, so the label is the Clerk user id.
    await expect(signedIn.locator(`[data-user-id="${sub}"]`)).toHaveText(sub);
    await expect(signedIn).toContainText('Clerk');
    // Real sign-in is configured: the banner must not offer local sign-in.
    await expect(page.locator('[data-default="sign-in"]')).toHaveCount(0);
  });

  test('without a session, / redirects to Clerk sign-in and shows no user', async ({ page, context, baseURL, request }) => {
    const sub = newUserId();
    // The user exists and has used the dashboard before.
    const { jwt } = await mintSession(sub);
    expect((await request.get('/api/v1/me', { headers: { authorization: `Bearer ${jwt}` } })).status()).toBe(200);

    const bare = await request.get('/', {
      maxRedirects: 0,
      headers: { accept: 'text/html', 'sec-fetch-dest': 'document' },
    });
    expect(bare.status()).toBeGreaterThanOrEqual(300);
    expect(bare.status()).toBeLessThan(400);
    expect(new URL(bare.headers()['location']!).host).toBe(SIGN_IN_HOST);
    expect(await bare.text()).not.toContain(sub);

    // In Chromium: the document request is answered with a redirect to the Account Portal. The
    // browser follows it (routes do not see redirected requests) and fails, as there is no network.
    await offline(context, baseURL!);
    const documents: { url: string; status: number; location?: string }[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() === 'document') {
        documents.push({ url: res.url(), status: res.status(), location: res.headers()['location'] });
      }
    });
    const requested: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    const navigation = await page.goto('/').catch((err: Error) => err);
    // Where the browser ends up: its own error page (offline) or, with a network, the portal.
    await page.waitForURL((url) => url.protocol === 'chrome-error:' || url.host === SIGN_IN_HOST);
    await page.waitForLoadState('domcontentloaded');

    expect(documents[0]?.url).toBe(`${baseURL}/`);
    expect(documents[0]?.status).toBeGreaterThanOrEqual(300);
    expect(documents[0]?.status).toBeLessThan(400);
    const signInUrl = new URL(documents[0]!.location!);
    expect(signInUrl.host).toBe(SIGN_IN_HOST);
    expect(signInUrl.searchParams.get('redirect_url')).toBe(`${baseURL}/`);
    expect(requested).toContain(signInUrl.toString());
    expect(documents.filter((d) => d.status === 200)).toEqual([]);
    if (!(navigation instanceof Error)) expect(navigation?.status()).not.toBe(200);
    expect(page.url()).not.toBe(`${baseURL}/`);
    expect(await page.content()).not.toContain(sub);
  });

  test('an expired or forged session cookie does not render the dashboard', async ({ request }) => {
    const sub = newUserId();
    for (const session of [
      await mintSession(sub, { issuedAgo: 7200, expiresIn: -3600 }),
      await mintSession(sub, { key: foreignKey }),
    ]) {
      const res = await request.get('/', {
        maxRedirects: 0,
        headers: {
          cookie: `__session=${session.jwt}; __client_uat=${session.iat}`,
          accept: 'text/html',
          'sec-fetch-dest': 'document',
        },
      });
      expect(res.status(), await res.text()).not.toBe(200);
      expect(await res.text()).not.toContain(sub);
    }
  });
});

test.describe('signing out', () => {
  test('the name shows at 375 px; Sign out clears the session and / then asks Clerk for a sign-in', async ({ page, context, baseURL }, testInfo) => {
    await offline(context, baseURL!);
    const sub = newUserId();
    const session = await mintSession(sub);
    await signIn(context, baseURL!, session);
    // Clerk suffixes its cookies per instance (`__session_<hash>`): those go too.
    await context.addCookies([
      { name: '__session_Ab12Cd34', value: session.jwt, url: baseURL! },
      { name: '__client_uat_Ab12Cd34', value: String(session.iat), url: baseURL! },
    ]);

    await page.setViewportSize({ width: 375, height: 812 });
    const { signedIn } = await openDashboard(page);
    const name = signedIn.locator(`[data-user-id="${sub}"]`);
    await expect(name).toBeVisible();
    await expect(name).toBeInViewport();
    expect((await visibleBox(name, 'the signed-in name')).width, 'the signed-in name is readable on a phone').toBeGreaterThanOrEqual(60);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await expect(signOut).toBeInViewport();
    await expectNoHorizontalScroll(page, '/ at 375 px in Clerk mode');
    await saveScreenshot(page, testInfo, 'clerk-header-375');

    // A cross-origin POST is refused and signs nobody out.
    const forged = await page.request.post('/sign-out', { headers: { origin: 'http://evil.example' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await context.cookies()).map((c) => c.name)).toContain('__session');
    const revokes = () => clerkApi.requests().filter((r) => r.path === `/v1/sessions/${session.sid}/revoke`);
    expect(revokes(), 'a refused sign-out revokes nothing').toEqual([]);

    await signOut.click();
    await page.waitForURL(`${baseURL}/signed-out`);
    // The session ends at Clerk too (its Backend API, here the stub), with the secret key.
    expect(revokes()).toEqual([{ method: 'POST', path: `/v1/sessions/${session.sid}/revoke`, authorization: `Bearer ${secretKey}` }]);
    // Nothing else in this file has needed Clerk's Backend API: session tokens are verified offline.
    expect(clerkApi.requests().filter((r) => !/^\/v1\/sessions\/sess_\w+\/revoke$/.test(r.path))).toEqual([]);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are signed out');
    const left = await context.cookies();
    expect(left.filter((c) => c.name.startsWith('__session')), 'session cookies cleared').toEqual([]);
    expect(left.filter((c) => c.name.startsWith('__client_uat')).map((c) => c.value)).toEqual(['0', '0']);

    // No session any more: the dashboard sends the browser to Clerk's sign-in.
    const home = await page.request.get('/', { maxRedirects: 0, headers: { accept: 'text/html', 'sec-fetch-dest': 'document' } });
    expect(home.status()).toBeGreaterThanOrEqual(300);
    expect(home.status()).toBeLessThan(400);
    expect(new URL(home.headers()['location']!).host).toBe(SIGN_IN_HOST);
    expect(await home.text()).not.toContain(sub);
  });
});

test.describe('Clerk webhooks', () => {
  type Headers = Record<string, string>;

  function signedHeaders(body: string, { secret = WEBHOOK_SECRET, at = new Date() } = {}): Headers {
    const id = `msg_${crypto.randomBytes(10).toString('hex')}`;
    return {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(id, at, body),
    };
  }

  function userEvent(type: 'user.created' | 'user.updated', id: string, first: string, last: string): string {
    const emailId = `idn_${crypto.randomBytes(6).toString('hex')}`;
    return JSON.stringify({
      type,
      object: 'event',
      data: {
        id,
        object: 'user',
        email_addresses: [{ id: emailId, email_address: `${first.toLowerCase()}@example.test` }],
        primary_email_address_id: emailId,
        first_name: first,
        last_name: last,
      },
    });
  }

  test('a signed user.created is stored; unsigned or stale events change nothing', async ({ page, context, baseURL, request }) => {
    await offline(context, baseURL!);
    const userId = newUserId();
    const shownName = async () => {
      const { html, signedIn } = await openDashboard(page);
      expect(html).toContain(`data-user-id="${userId}"`);
      return signedIn.locator(`[data-user-id="${userId}"]`);
    };

    const created = userEvent('user.created', userId, 'Ada', 'Lovelace');
    const createdHeaders = signedHeaders(created);
    await test.step('a correctly signed user.created → 200', async () => {
      const res = await request.post('/api/webhooks/clerk', { headers: createdHeaders, data: created });
      expect(res.status(), await res.text()).toBe(200);
      expect(await res.json()).toEqual({ received: true, handled: 'user.created' });
    });

    await test.step('the same body with a wrong signature → 400 invalid_signature', async () => {
      const headers = signedHeaders(created, { secret: `whsec_${crypto.randomBytes(24).toString('base64')}` });
      const res = await request.post('/api/webhooks/clerk', { headers, data: created });
      expect(res.status()).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_signature');
    });

    await test.step('the created user signs in and sees their name', async () => {
      await signIn(context, baseURL!, await mintSession(userId));
      await expect(await shownName()).toHaveText('Ada Lovelace');
    });

    await test.step('a user.updated with a bad signature does not rename them', async () => {
      const body = userEvent('user.updated', userId, 'Mallory', 'Renamed');
      const headers = { ...signedHeaders(body), 'svix-signature': `v1,${crypto.randomBytes(32).toString('base64')}` };
      const res = await request.post('/api/webhooks/clerk', { headers, data: body });
      expect(res.status()).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_signature');
      await expect(await shownName()).toHaveText('Ada Lovelace');
    });

    await test.step('a correctly signed but stale (10 min old) user.updated is rejected too', async () => {
      const body = userEvent('user.updated', userId, 'Replayed', 'Event');
      const headers = signedHeaders(body, { at: new Date(Date.now() - 10 * 60_000) });
      const res = await request.post('/api/webhooks/clerk', { headers, data: body });
      expect(res.status()).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_signature');
      await expect(await shownName()).toHaveText('Ada Lovelace');
    });

    await test.step('a correctly signed user.updated does rename them (so the checks above could fail)', async () => {
      const body = userEvent('user.updated', userId, 'Augusta', 'King');
      const res = await request.post('/api/webhooks/clerk', { headers: signedHeaders(body), data: body });
      expect(res.status(), await res.text()).toBe(200);
      expect(await res.json()).toEqual({ received: true, handled: 'user.updated' });
      await expect(await shownName()).toHaveText('Augusta King');
    });

    await test.step('the first user.created replayed within five minutes is acknowledged and changes nothing', async () => {
      const res = await request.post('/api/webhooks/clerk', { headers: createdHeaders, data: created });
      expect(res.status(), await res.text()).toBe(200);
      expect(await res.json()).toEqual({ received: true, handled: 'duplicate:user.created' });
      await expect(await shownName()).toHaveText('Augusta King');
    });

    await test.step('a correctly signed body that is not JSON → 400 bad_request', async () => {
      const body = 'user.updated: {not json';
      // text/plain: with a JSON content type Playwright would quote a string that does not parse.
      const headers = { ...signedHeaders(body), 'content-type': 'text/plain' };
      const res = await request.post('/api/webhooks/clerk', { headers, data: body });
      expect(res.status()).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    });
  });

  test('a signed user.deleted signs the user out of the dashboard and the API', async ({ request }) => {
    const userId = newUserId();
    const session = await mintSession(userId);
    const asDocument = {
      cookie: `__session=${session.jwt}; __client_uat=${session.iat}`,
      accept: 'text/html',
      'sec-fetch-dest': 'document',
    };
    const bearer = { authorization: `Bearer ${session.jwt}` };

    const before = await request.get('/', { headers: asDocument, maxRedirects: 0 });
    expect(before.status()).toBe(200);
    expect(await before.text()).toContain(`data-user-id="${userId}"`);
    expect((await request.get('/api/v1/me', { headers: bearer })).status()).toBe(200);

    const body = JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: userId, object: 'user', deleted: true } });
    const res = await request.post('/api/webhooks/clerk', { headers: signedHeaders(body), data: body });
    expect(res.status(), await res.text()).toBe(200);
    expect(await res.json()).toEqual({ received: true, handled: 'user.deleted' });

    expect((await request.get('/api/v1/me', { headers: bearer })).status()).toBe(401);
    const after = await request.get('/', { headers: asDocument, maxRedirects: 0 });
    const stillShown = (await after.text()).includes(`data-user-id="${userId}"`);
    expect(stillShown, 'the dashboard still renders for the deleted user').toBe(false);
    expect(after.status()).not.toBe(200);
  });
});
