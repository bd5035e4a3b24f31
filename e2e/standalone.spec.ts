import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readStartScript } from '../tests/support/start-script';
import { expect, test } from './support/test';
import { DOCKERFILE, readDockerfile, runLines } from './support/dockerfile';
import { DIST_DIR, freePort, ROOT, startServer, waitForHealthy, type Server } from './support/server';
import { connectThroughConsent } from './support/simulator-consent';

/**
 * Issue 11 §5: the container image, without a container engine. The Dockerfile's own lines are
 * replayed on the test build (`npm test` builds it with NEXT_OUTPUT=standalone, so nothing is built
 * twice): its assemble step into a folder outside the repository (so nothing resolves from the
 * repository's node_modules: what server.js needs must have been traced), its runtime ENV and CMD
 * (`node server.js`), then its HEALTHCHECK, and one simulated account is connected in Chromium.
 */

const image = readDockerfile(DOCKERFILE);
const ASSEMBLE = /^bash (scripts\/assemble-standalone\.sh) (\S+) (\S+)$/;

let server: Server | undefined;
let scratch: string | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** package.json's "start" script, taken apart (its env assignments and node flags), read once. */
const NPM_START = readStartScript(ROOT);

/** The image's HEALTHCHECK command, run as Docker runs it: inside the container's environment. */
function runHealthcheck(port: number): number | null {
  const [bin, ...args] = image.runtime.healthcheck;
  expect(bin).toBe('node');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...image.runtime.env, PORT: String(port) };
  return spawnSync(process.execPath, args, { env: env as NodeJS.ProcessEnv, timeout: 20_000, stdio: 'ignore' }).status;
}

test('the Dockerfile builds standalone, assembles with the shared script and runs node server.js, with npm start’s V8 flags, as non-root', () => {
  const build = runLines(image, 'build');
  expect(build).toContainEqual(expect.stringMatching(/^NEXT_OUTPUT=standalone \S*next build$/));
  const assemble = build.map((line) => ASSEMBLE.exec(line)).find((m) => m !== null);
  expect(assemble, 'the build stage runs scripts/assemble-standalone.sh').toBeTruthy();
  const [, , dist, dest] = assemble!;
  expect(dist, 'the image builds into Next’s default folder').toBe('.next');
  expect(image.runtime.copiedFromBuild).toContainEqual({ from: 'build', source: dest, target: './' });
  expect(image.runtime.workdir).toBe(dest);
  // npm start's V8 flags (package.json "start"), the one place they are chosen, and node takes them
  // on its command line (NODE_OPTIONS refuses --heap-growing-percent).
  expect(image.runtime.cmd).toEqual(['node', ...NPM_START.nodeFlags, 'server.js']);
  expect(NPM_START.nodeFlags).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-semi-space-size=\d+$/), expect.stringMatching(/^--heap-growing-percent=\d+$/)]));
  // …and its environment (glibc's malloc arenas, read before node starts: docs/benchmarks.md).
  expect(NPM_START.env).toMatchObject({ MALLOC_ARENA_MAX: '2' });
  expect(image.runtime.env).toMatchObject(NPM_START.env);
  expect(image.runtime.user).not.toMatch(/^(root|0)(:|$)/);
  expect(image.runtime.env).toMatchObject({ NODE_ENV: 'production', GRANTKEEPER_DATA_DIR: '/data' });
  expect(image.runtime.healthcheck.join(' ')).toContain('/api/health');

  // Railway runs the same command and waits for the same path.
  const railway = JSON.parse(fs.readFileSync(path.join(ROOT, 'railway.json'), 'utf8')) as {
    build: { builder: string; dockerfilePath: string };
    deploy: { startCommand: string; healthcheckPath: string };
  };
  expect(railway.build).toEqual({ builder: 'DOCKERFILE', dockerfilePath: 'Dockerfile' });
  expect(railway.deploy.startCommand).toBe(image.runtime.cmd.join(' '));
  expect(railway.deploy.healthcheckPath).toBe('/api/health');
});

test('no secret reaches a layer: .env files and the data folder stay out of the context, no ARG or ENV names one', () => {
  const ignored = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', '.data/', '.git/', 'node_modules/']));
  const declared = image.stages.flatMap((s) =>
    s.instructions.filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/)),
  );
  const names = declared.map((d) => d.split('=')[0]!);
  expect(names.length).toBeGreaterThan(0);
  expect(names.filter((n) => /SECRET|KEY|TOKEN|PASSWORD|DATABASE_URL/i.test(n))).toEqual([]);
});

test('node server.js from the assembled folder is healthy, passes the HEALTHCHECK and connects an account', async ({ browser }) => {
  test.setTimeout(120_000);
  const [, script, dockerDist, dest] = runLines(image, 'build')
    .map((line) => ASSEMBLE.exec(line))
    .find((m) => m !== null)!;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-standalone-'));
  const app = path.join(scratch, path.basename(dest!));
  // The Dockerfile's step with the test build's folder in place of its `.next`.
  expect(dockerDist).toBe('.next');
  execFileSync('bash', [path.join(ROOT, script!), DIST_DIR, app], { cwd: ROOT, stdio: 'pipe' });

  const port = await freePort();
  const [node, ...args] = image.runtime.cmd;
  expect(node).toBe('node');
  expect(args.slice(0, -1), 'the V8 flags come first').toEqual(NPM_START.nodeFlags);
  server = await startServer({
    command: { argv: [process.execPath, ...args], cwd: app },
    port,
    dataDir: path.join(scratch, 'data'),
    env: {
      ...image.runtime.env,
      // The container's volume and port, here; and loopback rather than every interface.
      GRANTKEEPER_DATA_DIR: path.join(scratch, 'data'),
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      // server.js carries the config it was built with; nothing here may steer it.
      NEXT_DIST_DIR: undefined,
      // What an operator sets (APP_URL is the server's own URL): local sign-in and the simulator.
      AUTH_MODE: 'local',
      SIMULATOR: 'on',
    },
  });
  await waitForHealthy(server, 90_000);
  expect(runHealthcheck(port), 'the image HEALTHCHECK passes').toBe(0);

  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  // The browser assets come from the copied static folder; without it every one of them is a 404.
  const assets: number[] = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/_next/static/')) assets.push(res.status());
  });
  const { outcome } = await connectThroughConsent(page, { provider: 'x', persona: 'x-riley' });
  expect(outcome).toBe('connected');
  await expect(page.getByText('@riley_ships').first()).toBeVisible();
  expect(assets.length).toBeGreaterThan(0);
  expect(assets.filter((status) => status !== 200)).toEqual([]);
  await context.close();

  expect(server.output()).toMatch(/grantkeeper ready/);
  expect(server.output(), 'Next prints no warning for its own standalone server').not.toMatch(/⚠|does not work with/);

  await server.stop();
  expect(runHealthcheck(port), 'the HEALTHCHECK fails when nothing answers').toBe(1);
});

test('next start serves the same standalone build without Next’s "does not work with output: standalone" warning', async () => {
  // The build is standalone (the test above runs its server.js); `next start` loads next.config.js
  // again without NEXT_OUTPUT, so it serves .next as always and has nothing to warn about.
  expect(fs.existsSync(path.join(ROOT, DIST_DIR, 'standalone', 'server.js')), `${DIST_DIR} is a standalone build`).toBe(true);
  server = await startServer({ env: { AUTH_MODE: 'local' } });
  await waitForHealthy(server, 90_000);
  // The line is written before Next serves the first request, but reaches this process through a
  // pipe, which can be read after the health answer (seen: half a second later).
  await expect.poll(() => server!.output(), { timeout: 10_000 }).toMatch(/grantkeeper ready/);
  expect(server.output()).not.toMatch(/⚠|standalone/);
});
