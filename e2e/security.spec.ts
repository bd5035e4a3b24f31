import { type APIRequestContext, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { sameOrigin, sharedServerOrigin } from './support/origin';
import { rawRequest, serveForeignPage } from './support/raw-http';
import { startServer, waitForHealthy, type Server } from './support/server';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Issue 8, items 1, 2, 3 and 18 against the shared local-mode server (`next start`, APP_URL set):
 * who may address local mode, that changes come only from our own origin, that forwarded headers
 * cannot move that origin, and the security headers with an enforced CSP.
 */

const ATTACKER = 'https://attacker.example';

async function keyNames(request: APIRequestContext): Promise<string[]> {
  const res = await request.get('/api/v1/api-keys');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { apiKeys: { name: string }[] }).apiKeys.map((k) => k.name);
}

async function deleteKeysNamed(request: APIRequestContext, names: string[]): Promise<void> {
  const res = await request.get('/api/v1/api-keys');
  for (const k of ((await res.json()) as { apiKeys: { id: string; name: string }[] }).apiKeys) {
    if (names.includes(k.name)) expect((await request.delete(`/api/v1/api-keys/${k.id}`, { headers: sharedServerOrigin() })).status()).toBe(204);
  }
}

test.describe('item 1: local mode answers only loopback names', () => {
  test('a rebound or remote Host is refused (403), and nothing is created', async ({ baseURL, request }) => {
    const port = new URL(baseURL!).port;
    const rebound = `rebound.attacker.example:${port}`;

    const api = await rawRequest(baseURL!, { path: '/api/v1/oauth/status', headers: { host: rebound } });
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body).error.code).toBe('forbidden');
    expect(api.body).not.toContain('connections');

    const page = await rawRequest(baseURL!, { path: '/', headers: { host: `192.168.1.20:${port}`, accept: 'text/html' } });
    expect(page.status).toBe(403);
    expect(page.headers['content-type']).toContain('text/plain');
    expect(page.body).toContain('localhost');

    // The rebinding attack itself: the attacker's page is "same-origin" with its own name.
    const create = await rawRequest(baseURL!, {
      method: 'POST',
      path: '/api/v1/api-keys',
      headers: { host: rebound, origin: `http://${rebound}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rebound key' }),
    });
    expect(create.status).toBe(403);
    expect(create.body).not.toContain('gk_');
    expect(await keyNames(request)).not.toContain('rebound key');

    // Loopback names are served, so the refusals above are the Host check and nothing else.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await rawRequest(baseURL!, { path: '/api/v1/oauth/status', headers: { host } })).status, host).toBe(200);
    }
  });
});

test.describe('item 2: a change must come from our own origin', () => {
  test('a cross-origin text/plain form POST to /api/v1/api-keys is 403 and creates no key', async ({ page, baseURL, request }) => {
    const target = `${baseURL}/api/v1/api-keys`;
    // enctype=text/plain sends `name=value`: this name and value make the body {"name":"cross-site form","x":"="}.
    const foreign = await serveForeignPage(`<!doctype html><html lang="en"><title>x</title><body>
<form method="POST" enctype="text/plain" action="${target}"><input type="hidden" name='{"name":"cross-site form","x":"' value='"}'></form>
<script>document.forms[0].submit()</script></body></html>`);
    try {
      const answer = page.waitForResponse((res) => res.url() === target);
      await page.goto(foreign.url);
      const res = await answer;
      expect(res.status()).toBe(403);
      expect(await res.request().headerValue('origin')).toBe(new URL(foreign.url).origin);
      expect((await res.json()).error.code).toBe('forbidden');
    } finally {
      await foreign.close();
    }

    // And from another site altogether (the browser here resolves no other name, so without one).
    const plain = { 'content-type': 'text/plain' };
    const forged = await request.post('/api/v1/api-keys', { headers: { ...plain, origin: ATTACKER }, data: '{"name":"cross-site fetch"}' });
    expect(forged.status()).toBe(403);
    const none = await request.post('/api/v1/api-keys', { headers: plain, data: '{"name":"no origin"}' });
    expect(none.status()).toBe(403);
    for (const name of ['cross-site form', 'cross-site fetch', 'no origin']) expect(await keyNames(request)).not.toContain(name);

    // The same body from our own origin is accepted, so the refusals are the origin check.
    const own = await request.post('/api/v1/api-keys', { headers: { ...plain, ...sharedServerOrigin() }, data: '{"name":"same origin"}' });
    expect(own.status()).toBe(201);
    await deleteKeysNamed(request, ['same origin']);
  });
});

test.describe('item 3: forwarded headers cannot move our origin', () => {
  interface CapturedAction {
    url: string;
    headers: Record<string, string>;
    body: Buffer;
  }

  /** The settings page's "create API key" server action, as the browser sends it (and then cancels it). */
  async function captureCreateKeyAction(page: Page, name: string): Promise<CapturedAction> {
    await page.goto('/settings');
    await expect(page.getByTestId('create-api-key')).toBeEnabled();
    let captured: CapturedAction | undefined;
    await page.route('**/settings', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST' || !req.headers()['next-action']) return route.continue();
      captured = { url: req.url(), headers: req.headers(), body: req.postDataBuffer() ?? Buffer.alloc(0) };
      await route.abort();
    });
    await page.getByTestId('api-key-name').fill(name);
    await page.getByTestId('create-api-key').click();
    await expect.poll(() => captured !== undefined).toBe(true);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    return captured!;
  }

  test('a forged X-Forwarded-Host on a server action: refused with a matching Origin, ignored without', async ({ page, baseURL, request }) => {
    const forged = { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' };

    // What Next's own action check accepts (Origin host = X-Forwarded-Host): refused here.
    const first = await captureCreateKeyAction(page, 'forged origin');
    const refused = await request.post(first.url, { headers: { ...first.headers, ...forged, origin: ATTACKER }, data: first.body });
    expect(refused.status()).toBe(403);
    expect(await keyNames(request)).not.toContain('forged origin');

    // Our own Origin with the forged host: the action runs, and the origin it renders is still ours.
    const second = await captureCreateKeyAction(page, 'forged host');
    const ran = await request.post(second.url, { headers: { ...second.headers, ...forged, ...sharedServerOrigin() }, data: second.body });
    expect(ran.status()).toBe(200);
    expect((await ran.text()).includes('attacker.example'), 'the forged host is in the action’s answer').toBe(false);
    expect(await keyNames(request)).toContain('forged host');

    const settings = await request.get('/settings', { headers: forged });
    const html = await settings.text();
    // The curl line's origin, as the page passes it to the client component.
    const origins = [...html.matchAll(/origin\W+(https?:\/\/[\w.:-]+)/g)].map((m) => m[1]);
    expect(origins.length).toBeGreaterThan(0);
    expect(new Set(origins)).toEqual(new Set([baseURL]));
    expect(html.includes('attacker.example'), 'the forged host is in /settings').toBe(false);
    await deleteKeysNamed(request, ['forged host']);
  });
});

test.describe('item 18: security headers, and a CSP every page runs under', () => {
  test('API responses: nosniff, nothing renders or frames them, no-store; OAuth routes send no Referer', async ({ request }) => {
    for (const path of ['/api/health', '/api/v1/me', '/api/v1/api-keys']) {
      const headers = (await request.get(path)).headers();
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers['cache-control'], path).toBe('no-store');
      expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    }
    const authorize = await request.get('/api/v1/oauth/x/authorize', { maxRedirects: 0 });
    expect(authorize.headers()['referrer-policy']).toBe('no-referrer');
    const consent = await request.get(authorize.headers()['location']!);
    expect(consent.status()).toBe(200);
    expect(consent.headers()['referrer-policy']).toBe('no-referrer');
    expect(consent.headers()['content-security-policy']).toContain("style-src 'unsafe-inline'");
    expect(consent.headers()['content-security-policy']).not.toContain('script-src');
    const callback = await request.get('/api/v1/oauth/x/callback?code=c&state=s', { maxRedirects: 0 });
    expect(callback.headers()['referrer-policy']).toBe('no-referrer');
  });

  test('every page: the headers, a fresh nonce, scripts that run, and no CSP violation', async ({ page, context }) => {
    const violations: string[] = [];
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
      });
    });
    page.on('console', (msg) => {
      if (/CSP violation|Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
    });

    // Through the simulator's consent page too, which has its own CSP.
    const { connectionId } = await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' });
    const nonces = new Set<string>();
    const pages = ['/', '/audit', '/settings', `/connections/${connectionId}`, '/signed-out', '/oauth/error?outcome=invalid_state', '/no-such-page'];
    for (const path of pages) {
      const res = await page.goto(path);
      const headers = res!.headers();
      const csp = headers['content-security-policy'] ?? '';
      const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, `${path}: ${csp}`).toBeTruthy();
      nonces.add(nonce!);
      expect(scriptSrc, path).toContain("'strict-dynamic'");
      expect(scriptSrc, path).not.toContain('unsafe-inline');
      expect(scriptSrc, path).not.toContain('unsafe-eval');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['x-frame-options'], path).toBe('DENY');
      expect(headers['permissions-policy'], path).toContain('camera=()');
      expect(headers['referrer-policy'], path).toBe(path.startsWith('/oauth/') ? 'no-referrer' : 'strict-origin-when-cross-origin');
      // http://localhost: no HSTS (it is sent only when APP_URL is https).
      expect(headers['strict-transport-security'], path).toBeUndefined();
      // Next's scripts carried the nonce and ran: the app router booted.
      await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version), null, { timeout: 15_000 });
      await page.waitForLoadState('networkidle');
    }
    expect(nonces.size).toBe(pages.length);
    expect(violations).toEqual([]);
  });
});

test.describe('item 1: the deliberate opt-in', () => {
  let server: Server | undefined;
  test.afterAll(async () => {
    await server?.stop();
  });

  test('LOCAL_MODE_ALLOW_REMOTE=on answers any Host and warns in the log and on the dashboard', async ({ browser }) => {
    test.setTimeout(120_000);
    server = await startServer({ env: { AUTH_MODE: 'local', SIMULATOR: 'on', LOCAL_MODE_ALLOW_REMOTE: 'on' } });
    await waitForHealthy(server);
    expect(server.stderr()).toContain('LOCAL_MODE_ALLOW_REMOTE=on: local mode has NO sign-in');
    const remote = await rawRequest(server.url, { path: '/api/v1/oauth/status', headers: { host: `box.lan:${server.port}` } });
    expect(remote.status).toBe(200);

    const page = await browser.newPage({ baseURL: server.url });
    try {
      await page.goto('/');
      await expect(page.getByTestId('exposure-warning')).toContainText('LOCAL_MODE_ALLOW_REMOTE=on');
      // Changes still need our own origin.
      const forged = await page.request.post('/api/v1/api-keys', { headers: { origin: ATTACKER }, data: { name: 'x' } });
      expect(forged.status()).toBe(403);
      const own = await page.request.post('/api/v1/api-keys', { headers: sameOrigin(server.url), data: { name: 'x' } });
      expect(own.status()).toBe(201);
    } finally {
      await page.close();
    }
  });
});
