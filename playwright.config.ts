import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { SIMULATOR_ADMIN_SECRET } from './e2e/support/simulator-admin';

/**
 * End-to-end tests against the production build in `.next-test`
 * (`NEXT_OUTPUT=standalone NEXT_DIST_DIR=.next-test NEXT_TELEMETRY_DISABLED=1 npx next build`; standalone
 * only for e2e/standalone.spec.ts, which runs the container's server.js), served by `next start`
 * on a fresh embedded database in local single-operator mode. Specs that need another
 * configuration (startup failures, Clerk sign-in) spawn their own servers: e2e/support/server.ts.
 *
 * Playwright loads this file in the runner and again in every worker process. Workers inherit the
 * runner's environment, so the port and data directory are chosen once and handed on through
 * E2E_PORT / E2E_DATA_DIR; a worker never picks its own.
 */

/** The build under test; E2E_DIST_DIR picks another (it must be built with the same NEXT_DIST_DIR). */
export const DIST_DIR = process.env.E2E_DIST_DIR || '.next-test';
const root = path.dirname(new URL(import.meta.url).pathname);

if (!fs.existsSync(path.join(root, DIST_DIR, 'BUILD_ID'))) {
  throw new Error(
    `No production build in ${DIST_DIR}/. Build it first: NEXT_OUTPUT=standalone NEXT_DIST_DIR=${DIST_DIR} NEXT_TELEMETRY_DISABLED=1 npx next build`,
  );
}

/** A port the OS reports free right now (synchronous, because this config is not async). */
function pickFreePort(): string {
  return execFileSync(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,()=>{process.stdout.write(String(s.address().port));s.close()})"],
    { encoding: 'utf8' },
  ).trim();
}

process.env.E2E_PORT ||= pickFreePort();
if (!process.env.E2E_DATA_DIR) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-e2e-'));
  process.env.E2E_DATA_DIR = dir;
  // Only the process that made the folder removes it, after the web server has been stopped.
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}

const port = Number(process.env.E2E_PORT);
const baseURL = `http://localhost:${port}`;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // Belt and braces for "no network": every host name but localhost fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost',
];

/**
 * E2E_SLOW=1: every page on a slow link and a 4× slower CPU (e2e/support/test.ts), to make timing
 * races that only CI's busy 2 cores lose show up here. Timeouts are tripled in that mode so a check
 * fails on a race, not on the slow link; the normal run is unchanged.
 */
const SLOW = process.env.E2E_SLOW === '1' ? 3 : 1;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  timeout: 60_000 * SLOW,
  expect: { timeout: 10_000 * SLOW },
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: `node node_modules/next/dist/bin/next start -p ${port}`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 90_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      NODE_ENV: 'production',
      NEXT_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'info',
      GRANTKEEPER_DATA_DIR: process.env.E2E_DATA_DIR,
      AUTH_MODE: 'local',
      // Production requires it: the origin of redirect URLs and of the same-origin check.
      APP_URL: baseURL,
      SIMULATOR: 'on',
      // The admin API is off in production without it; e2e helpers send it (e2e/support/simulator-admin.ts).
      SIMULATOR_ADMIN_SECRET,
      // Short simulator lifetimes and a fast in-process sweep, so refreshes happen while a test
      // watches (40 s tokens are refreshed ~20 s after issue: the lead is capped at half the
      // lifetime). Specs that need the providers' real lifetimes set them with the admin knobs.
      SIMULATOR_ACCESS_TOKEN_TTL: '40',
      SCHEDULER_INTERVAL_SECONDS: '2',
      CRON_SECRET: 'e2e-cron-secret',
      // Specs save webhook URLs on 127.0.0.1: the development opt-in for private receivers.
      WEBHOOK_ALLOW_PRIVATE: 'on',
      // The suite drives the same endpoints far faster than a person; tests/integration/rate-limits.test.ts covers the limits.
      RATE_LIMITS: 'off',
      // The runner's own environment is inherited: blank anything that would change the mode
      // (lib/env.ts treats an empty value as unset).
      DATABASE_URL: '',
      ENCRYPTION_KEYS: '',
      CLERK_SECRET_KEY: '',
      CLERK_PUBLISHABLE_KEY: '',
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: '',
      CLERK_JWT_KEY: '',
      CLERK_WEBHOOK_SIGNING_SECRET: '',
      VERCEL: '',
    },
  },
});
