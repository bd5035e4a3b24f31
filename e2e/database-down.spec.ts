import { expect, test } from './support/test';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { fernetKey, freePort, startServer, waitForHealthy, type Server } from './support/server';

/**
 * PostgreSQL stops while the server runs: the token API and the status API answer 503 with
 * Retry-After and the usual JSON error, pages show their error boundary saying the database is
 * unavailable, and nothing secret (the DATABASE_URL password, the API key) appears anywhere.
 */

const PASSWORD = 'pw-e2e-db-SECRET';

let pg: PostgresServer | undefined;
let server: Server | undefined;

test.afterEach(async () => {
  await server?.stop();
  pg?.stop();
  server = undefined;
  pg = undefined;
});

test('with PostgreSQL stopped: 503 + Retry-After JSON from the APIs, the error boundary on pages', async ({ page }) => {
  test.setTimeout(240_000);
  pg = await startPostgres();
  // Trust authentication ignores the password; it is here to prove it never shows.
  const databaseUrl = pg.url.replace('postgres@', `postgres:${PASSWORD}@`);
  const port = await freePort();
  server = await startServer({
    port,
    env: { AUTH_MODE: 'local', DATABASE_URL: databaseUrl, ENCRYPTION_KEYS: fernetKey(), APP_URL: `http://localhost:${port}` },
  });
  await waitForHealthy(server, 120_000);
  const url = server.url;

  const created = await fetch(`${url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ name: 'sync' }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { key } = (await created.json()) as { key: string };
  expect((await fetch(`${url}/api/v1/oauth/status`)).status).toBe(200);

  pg.stop();

  const apis = [
    () => fetch(`${url}/api/v1/connections/00000000-0000-4000-8000-000000000000/access-token`, { headers: { authorization: `Bearer ${key}` } }),
    () => fetch(`${url}/api/v1/oauth/status`),
  ];
  for (const call of apis) {
    const res = await call();
    const text = await res.text();
    expect(res.status, text).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'database_unavailable', message: expect.stringContaining('database'), requestId: expect.any(String) },
    });
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(String(pg.port));
  }

  await page.goto(`${url}/settings`);
  const boundary = page.getByTestId('route-error');
  await expect(boundary).toBeVisible();
  await expect(boundary).toContainText('The database is unavailable');
  await expect(boundary.getByRole('button', { name: 'Try again' })).toBeVisible();

  await page.goto(`${url}/`);
  await expect(page.getByTestId('route-error')).toContainText('The database is unavailable');
  const html = await page.content();
  expect(html).not.toContain(PASSWORD);
  expect(html).not.toContain(key);

  const output = server.output();
  // One JSON line per failure, through the redacting logger: the API's own, and the page's by
  // instrumentation's onRequestError (path without query, the digest error.tsx read).
  const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toContainEqual(expect.objectContaining({ msg: 'database unavailable', path: '/api/v1/oauth/status' }));
  expect(lines).toContainEqual(
    expect.objectContaining({ msg: 'database unavailable', path: '/settings', routeType: 'render', digest: 'database_unavailable' }),
  );
  expect(output).not.toContain(PASSWORD);
  expect(output).not.toContain(key);
});
