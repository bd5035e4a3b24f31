import http from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Page } from '@playwright/test';
import { expect, test as base } from './support/test';
import { startServer, waitForHealthy, type Server } from './support/server';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Token reads are audited in batches (lib/audit-buffer.ts). Stopping the server must not lose
 * the batch: 30 reads, then SIGTERM the moment their responses are in, then every one of the 30
 * events must be in the database the server leaves behind.
 */

let server: Server | undefined;
const test = base.extend({
  baseURL: async ({}, provide) => provide(server?.url),
});
test.describe.configure({ mode: 'serial' });

async function readTokensThenStop(server: Server, page: Page): Promise<{ code: number | null; reads: number }> {
  const { connectionId } = await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' });
  await page.goto('/settings');
  await page.getByLabel('Key name').fill('shutdown test');
  await page.getByTestId('create-api-key').click();
  const key = await page.getByTestId('api-key-secret').inputValue();

  // Straight from this process with `Connection: close` (no keep-alive connection for Next's
  // shutdown to wait on; Playwright's request context answers through its driver process, late
  // enough for a batch to have been written anyway): the signal follows the last response at once.
  const reads = await Promise.all(
    Array.from({ length: 30 }, () => getOnce(`${server.url}/api/v1/connections/${connectionId}/access-token`, `Bearer ${key}`)),
  );
  process.kill(server.pid, 'SIGTERM');
  expect(reads.map((r) => r.status), reads[0]!.body).toEqual(Array(30).fill(200));
  const status = await server.exited;

  const db = new PGlite(path.join(server.dataDir, 'pglite'));
  try {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from audit_events where action = 'token.read' and outcome = 'success' and connection_id = $1`,
      [connectionId],
    );
    return { code: status.code, reads: rows[0]!.n };
  } finally {
    await db.close();
  }
}

for (const variant of [
  { name: 'next start handles the signal', env: {} },
  { name: 'Next’s signal handling is off (NEXT_MANUAL_SIG_HANDLE)', env: { NEXT_MANUAL_SIG_HANDLE: 'true' } },
]) {
  test.describe(variant.name, () => {
    test.beforeAll(async () => {
      test.setTimeout(120_000);
      server = await startServer({ env: { AUTH_MODE: 'local', SIMULATOR: 'on', ...variant.env } });
      await waitForHealthy(server);
    });
    test.afterAll(async () => {
      await server?.stop();
      server = undefined;
    });

    test('SIGTERM right after 30 token reads loses none of their audit events, and exits 143', async ({ page }) => {
      test.setTimeout(180_000);
      const result = await readTokensThenStop(server!, page);
      expect(result, server!.output()).toEqual({ code: 143, reads: 30 });
    });
  });
}

/** One GET on a connection of its own, closed after the response (`agent: false`). */
function getOnce(url: string, authorization: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}
