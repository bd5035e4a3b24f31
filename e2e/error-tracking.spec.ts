import { expect, test } from './support/test';
import postgres from 'postgres';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { parsePrometheus } from '../tests/support/prometheus';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';
import { fernetKey, freePort, startServer, waitForHealthy, type Server } from './support/server';

/**
 * Issue 11 §4, with SENTRY_DSN pointing at a local envelope receiver and METRICS_TOKEN set: an
 * error thrown in a route (the token API's table replaced by a view whose every read fails with a
 * message that quotes credentials, on a path holding a key) reaches "Sentry" with its request id
 * and with those credentials scrubbed (lib/error-tracking/scrub-event.ts), and without any other secret the
 * request or the server held; a browser error does too, through a CSP that now allows the DSN
 * host; /api/metrics answers only the token and counts the 500. The server's own log carries the
 * same paths with their secret segments scrubbed, and no secret.
 */

const PASSWORD = 'pw-e2e-sentry-SECRET';
const METRICS_TOKEN = 'metrics-token-e2e-SECRET-0123456789';
const CODE = 'CODE-e2e-SECRET-42';
const COOKIE = 'COOKIE-e2e-SECRET-43';
const PUBLIC_KEY = 'e2epublickey';
/**
 * The failing request's path holds an API-key-shaped value (a key pasted where the connection id
 * goes): the path reaches the event only as its `path` tag, which no code before Sentry's
 * beforeSend scrubs; the database error's message is scrubbed twice (lib/db/errors.ts, then beforeSend).
 */
const PATH_KEY = 'gk_e2epath2_PATH-SECRET-0123456789abcdefghijklmnopqrstuvwxyz';
/** Pasted where an id goes on a request whose key is refused: a JWT and a provider's opaque access token. */
const PATH_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQQVRILUpXVC1TRUNSRVQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const PATH_TOKEN = 'AQVpathTOKEN0123456789abcdefghijklmnopqrstuvwxyz';
/** What the failing read's message quotes: shapes the scrubber knows (a URL token, a bearer value; the API key is added). */
const SERVER_ACCESS_TOKEN = 'AT-SERVER-SECRET-21';
const SERVER_BEARER = 'BEARER-SERVER-SECRET-22';

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

  // The token API's table replaced from under the running app by a view whose every read fails, with
  // a message that quotes credentials (as a driver or a provider error may): nothing handles it.
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const leak = `upstream refused https://api.example.test/v1/me?access_token=${SERVER_ACCESS_TOKEN} (Bearer ${SERVER_BEARER}, key ${key})`;
  await admin.unsafe('alter table api_keys rename to api_keys_elsewhere');
  await admin.unsafe(`create function e2e_leaky_read() returns boolean language plpgsql as $$ begin raise exception '${leak}'; end $$`);
  await admin.unsafe('create view api_keys as select * from api_keys_elsewhere where e2e_leaky_read()');
  const res = await fetch(`${url}/api/v1/connections/${PATH_KEY}/access-token?code=${CODE}`, {
    headers: { authorization: `Bearer ${key}`, cookie: `__session=${COOKIE}` },
  });
  await admin.unsafe('drop view api_keys');
  await admin.unsafe('drop function e2e_leaky_read()');
  await admin.unsafe('alter table api_keys_elsewhere rename to api_keys');
  await admin.end();
  expect(res.status).toBe(500);
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toBeTruthy();

  await expect.poll(() => receiver!.events().filter((e) => e.tags?.request_id === requestId).length, { timeout: 20_000 }).toBe(1);
  const event = receiver.events().find((e) => e.tags?.request_id === requestId)!;
  // The server's scrubber (beforeSend) kept the message and took the credentials out of it.
  expect(event.exception?.values?.[0]?.value).toBe(
    'upstream refused https://api.example.test/v1/me?access_token=[redacted] (Bearer [redacted], key gk_[redacted])',
  );
  expect(event.tags).toMatchObject({ path: '/api/v1/connections/gk_[redacted]/access-token' });
  const everything = receiver.raw().join('\n');
  for (const secret of [key, key.slice(3), PATH_KEY, PATH_KEY.slice(3), SERVER_ACCESS_TOKEN, SERVER_BEARER, PASSWORD, CODE, COOKIE, METRICS_TOKEN, encryptionKey, encryptionKey.slice(0, 20)]) {
    expect(everything, 'a secret reached the error tracker').not.toContain(secret);
  }

  // A refused key on paths holding a JWT and a provider token: logged ("api key refused") with the path.
  for (const pasted of [PATH_JWT, PATH_TOKEN]) {
    expect((await fetch(`${url}/api/v1/connections/${pasted}/access-token`)).status).toBe(401);
  }
  // The server's own log has the lines, with each path's secret segment scrubbed (lib/log.ts
  // serializers): nothing pasted into a path, and none of the request's other secrets, is in it.
  const lines = () => server!.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  await expect.poll(() => lines().filter((l) => l.msg === 'api key refused').length, { timeout: 10_000 }).toBe(2);
  expect(lines().find((l) => l.requestId === requestId && l.msg === 'unhandled error in route')?.path).toBe('/api/v1/connections/gk_[redacted]/access-token');
  expect(lines().filter((l) => l.msg === 'api key refused').map((l) => l.path)).toEqual([
    '/api/v1/connections/[redacted-jwt]/access-token',
    '/api/v1/connections/[redacted]/access-token',
  ]);
  const log = server.output();
  for (const secret of [key, key.slice(3), PATH_KEY, PATH_KEY.slice(3), PATH_JWT, PATH_TOKEN, SERVER_ACCESS_TOKEN, SERVER_BEARER, PASSWORD, CODE, COOKIE, METRICS_TOKEN]) {
    expect(log, 'a secret reached the server log').not.toContain(secret);
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
