import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { parsePrometheus } from '../tests/support/prometheus';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';
import { fernetKey, freePort, startServer, waitForHealthy, type Server } from './support/server';

/**
 * Issue 11 §4, with SENTRY_DSN pointing at a local envelope receiver and METRICS_TOKEN set: an
 * error thrown in a route (a table gone from under the token API) reaches "Sentry" with its
 * request id and without any secret the request or the server held; a browser error does too,
 * through a CSP that now allows the DSN host; /api/metrics answers only the token and counts the 500.
 */

const PASSWORD = 'pw-e2e-sentry-SECRET';
const METRICS_TOKEN = 'metrics-token-e2e-SECRET-0123456789';
const CODE = 'CODE-e2e-SECRET-42';
const COOKIE = 'COOKIE-e2e-SECRET-43';
const PUBLIC_KEY = 'e2epublickey';
const NO_CONNECTION = '00000000-0000-4000-8000-000000000000';

let pg: PostgresServer | undefined;
let server: Server | undefined;
let receiver: SentryReceiver | undefined;

test.afterEach(async () => {
  await server?.stop();
  pg?.stop();
  await receiver?.stop();
  server = pg = receiver = undefined;
});

test('a route error reaches the DSN with its request id and no secret; metrics need the token', async ({ page }) => {
  test.setTimeout(240_000);
  receiver = await startSentryReceiver();
  pg = await startPostgres();
  const databaseUrl = pg.url.replace('postgres@', `postgres:${PASSWORD}@`);
  const encryptionKey = fernetKey();
  const port = await freePort();
  const dsn = receiver.dsn(PUBLIC_KEY);
  server = await startServer({
    port,
    env: { AUTH_MODE: 'local', DATABASE_URL: databaseUrl, ENCRYPTION_KEYS: encryptionKey, SENTRY_DSN: dsn, METRICS_TOKEN, APP_URL: `http://localhost:${port}` },
  });
  await waitForHealthy(server, 120_000);
  const url = server.url;
  const scrape = async () => {
    const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    return parsePrometheus(await res.text());
  };

  // Metrics: the token or nothing.
  expect((await fetch(`${url}/api/metrics`)).status).toBe(401);
  expect((await fetch(`${url}/api/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  const before = await scrape();
  expect(before.types.get('grantkeeper_token_api_duration_seconds')).toBe('histogram');

  const created = await fetch(`${url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ name: 'sync' }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { key } = (await created.json()) as { key: string };

  // A table gone from under the running app: the token API fails in a way nothing handles.
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe('alter table api_keys rename to api_keys_elsewhere');
  const res = await fetch(`${url}/api/v1/connections/${NO_CONNECTION}/access-token?code=${CODE}`, {
    headers: { authorization: `Bearer ${key}`, cookie: `__session=${COOKIE}` },
  });
  await admin.unsafe('alter table api_keys_elsewhere rename to api_keys');
  await admin.end();
  expect(res.status).toBe(500);
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toBeTruthy();

  await expect.poll(() => receiver!.events().filter((e) => e.tags?.request_id === requestId).length, { timeout: 20_000 }).toBe(1);
  const event = receiver.events().find((e) => e.tags?.request_id === requestId)!;
  expect(event.exception?.values?.[0]?.value).toContain('api_keys');
  expect(event.tags).toMatchObject({ path: `/api/v1/connections/${NO_CONNECTION}/access-token` });
  const everything = receiver.raw().join('\n');
  for (const secret of [key, key.slice(3), PASSWORD, CODE, COOKIE, METRICS_TOKEN, encryptionKey, encryptionKey.slice(0, 20)]) {
    expect(everything, 'a secret reached the error tracker').not.toContain(secret);
  }

  // The 500 is counted by status.
  const after = await scrape();
  expect(
    after.value('grantkeeper_token_api_duration_seconds_count', { status: '500' }) -
      before.value('grantkeeper_token_api_duration_seconds_count', { status: '500' }),
  ).toBe(1);

  // The browser reports too: the page's CSP allows the DSN host, the SDK loads, and a thrown error arrives scrubbed.
  const pageRes = await page.goto(`${url}/`);
  expect(pageRes?.headers()['content-security-policy']).toMatch(new RegExp(`connect-src 'self' http://localhost:${receiver.port}(;|$)`));
  await page.waitForFunction(() => '__SENTRY__' in window, undefined, { timeout: 30_000 });
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('browser boom /x?access_token=AT-BROWSER-SECRET-9 Bearer BR-BEARER-SECRET-10');
    });
  });
  await expect
    .poll(() => receiver!.events().filter((e) => e.exception?.values?.some((v) => v.value?.includes('browser boom'))).length, { timeout: 20_000 })
    .toBe(1);
  const browserText = receiver.raw().join('\n');
  expect(browserText).not.toContain('AT-BROWSER-SECRET-9');
  expect(browserText).not.toContain('BR-BEARER-SECRET-10');
  expect(cspViolations).toEqual([]);
});
