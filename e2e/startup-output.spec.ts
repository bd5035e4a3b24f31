import { expect, test } from './support/test';
import { startServer, waitForHealthy, type Server } from './support/server';

/**
 * Issue 10 item 2: `npm run dev` prints nothing a newcomer cannot act on. The embedded default is
 * started exactly as `npm run dev` starts it (scripts/dev.sh), its first page is rendered, and
 * every line it printed must be one we expect: Next's banner and request lines, our JSON log lines
 * below warning level, and the one warning a person should act on (back up the generated key).
 */
const EXPECTED_TEXT: RegExp[] = [
  /^$/,
  /^==> Listening on 127\.0\.0\.1 only \(loopback\): open http:\/\/localhost:\d+$/,
  /^▲ Next\.js \d+\.\d+\.\d+ \(Turbopack\)$/,
  /^- Local: +http:\/\/127\.0\.0\.1:\d+$/,
  /^- Environments: \.env/,
  /^✓ Starting\.\.\.$/,
  /^✓ Ready in \d+(\.\d+)?m?s$/,
  /^✓ Running next\.config\.js took \d+m?s$/,
  /^○ Compiling .+ \.\.\.$/,
  /^ ?(GET|HEAD) \/\S* \d{3} in \d/,
];

/** Our own log lines at warning level or above that are instructions, not noise. */
const EXPECTED_WARNINGS = [/generated a new encryption key for the embedded database; back it up/];

let server: Server | undefined;
test.afterEach(async () => server?.stop());

test('npm run dev prints no warning a newcomer cannot act on, and no Network line', async ({ request }) => {
  test.setTimeout(240_000);
  // NEXT_DIST_DIR keeps this dev server's build apart from a developer's .next (tsconfig includes it).
  server = await startServer({ command: 'npm-run-dev', env: { LOG_LEVEL: 'info', APP_URL: undefined } });
  await waitForHealthy(server, 180_000);
  const page = await request.get(`${server.url}/`, { timeout: 180_000 });
  expect(page.status()).toBe(200);
  await expect.poll(() => server!.output(), { timeout: 10_000 }).toMatch(/GET \/ 200/);

  const unexpected: string[] = [];
  for (const raw of server.output().split('\n')) {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    if (line.startsWith('{')) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.level >= 40 && !EXPECTED_WARNINGS.some((re) => re.test(entry.msg))) unexpected.push(line);
      continue;
    }
    if (!EXPECTED_TEXT.some((re) => re.test(line.trim() === '' ? '' : line))) unexpected.push(line);
  }
  expect(unexpected, `unexpected output from npm run dev:\n${server.output()}`).toEqual([]);
  expect(server.output()).not.toMatch(/Network:/);
  expect(server.output()).toMatch(/grantkeeper ready/);
});
