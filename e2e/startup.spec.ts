import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/test';
import { fernetKey, startServer, waitForExit, waitForHealthy, type Server } from './support/server';

/**
 * A misconfigured server must stop at start-up, non-zero, with a message naming the fix — and
 * never print the secret it was given.
 */

const servers: Server[] = [];
async function start(...args: Parameters<typeof startServer>): Promise<Server> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}

test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

test('a malformed ENCRYPTION_KEYS stops the server and says how to generate one', async () => {
  const server = await start({ env: { AUTH_MODE: 'local', ENCRYPTION_KEYS: 'not-a-key' } });
  const status = await waitForExit(server);

  expect(status.code, server.output()).not.toBe(0);
  expect(status.code, 'exited by itself, not by a signal').not.toBeNull();
  expect(server.stderr()).toContain('ENCRYPTION_KEYS');
  expect(server.stderr()).toContain('npm run keys:generate');
  expect(server.output()).not.toContain('not-a-key');
});

test('an unreachable DATABASE_URL stops the server, names DATABASE_URL and hides the password', async () => {
  const server = await start({
    env: {
      AUTH_MODE: 'local',
      ENCRYPTION_KEYS: fernetKey(),
      DATABASE_URL: 'postgres://user:s3cretpw@127.0.0.1:1/db',
    },
  });
  const status = await waitForExit(server);

  expect(status.code, server.output()).not.toBe(0);
  expect(status.code).not.toBeNull();
  expect(server.stderr()).toContain('DATABASE_URL');
  expect(server.output()).not.toContain('s3cretpw');
});

test('production without sign-in configured stops and offers Clerk or AUTH_MODE=local', async () => {
  const server = await start({ env: {} });
  const status = await waitForExit(server);

  expect(status.code, server.output()).not.toBe(0);
  expect(status.code).not.toBeNull();
  expect(server.stderr()).toContain('CLERK_SECRET_KEY');
  expect(server.stderr()).toContain('AUTH_MODE=local');
});

test('production without APP_URL stops and names it, with an example', async () => {
  const server = await start({ env: { AUTH_MODE: 'local', APP_URL: undefined } });
  const status = await waitForExit(server);

  expect(status.code, server.output()).not.toBe(0);
  expect(status.code).not.toBeNull();
  expect(server.stderr()).toContain('APP_URL is required in production');
  expect(server.stderr()).toContain('APP_URL=https://');
});

test('a second server on the same data directory refuses to start, and the first keeps serving', async () => {
  const first = await start({ env: { AUTH_MODE: 'local' } });
  await waitForHealthy(first);
  const lockFile = path.join(first.dataDir, 'pglite.lock');
  const lock = fs.readFileSync(lockFile, 'utf8');
  // The holder's pid, with its start time so a reused pid is not mistaken for it.
  expect(JSON.parse(lock)).toMatchObject({ pid: first.pid, startTime: expect.stringMatching(/^\d+$/) });

  const second = await start({ env: { AUTH_MODE: 'local' }, dataDir: first.dataDir });
  const status = await waitForExit(second);

  expect(status.code, second.output()).not.toBe(0);
  expect(status.code).not.toBeNull();
  const match = /embedded database in (.+?) is already in use by process (\d+)/.exec(second.stderr());
  expect(match, second.output()).not.toBeNull();
  expect(match![1]).toBe(first.dataDir);
  expect(Number(match![2])).toBe(first.pid);

  // The refused server left the first one's lock and database alone.
  expect(fs.readFileSync(lockFile, 'utf8')).toBe(lock);
  const health = await fetch(`${first.url}/api/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
});
