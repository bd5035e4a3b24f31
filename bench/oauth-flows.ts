/**
 * (f) The two OAuth goals, against a Clerk-mode `next start` (many users, as in production; each
 * flow's session is a minted RS256 session JWT, verified offline with CLERK_JWT_KEY) with the
 * in-process simulator at 0 ms:
 * - authorize and callback p99: sequential flows, each timed from request to its redirect
 *   response as the client sees it (loopback: our server's time, the simulator's token and
 *   identity calls inside the callback included);
 * - 500 concurrent flows (authorize → consent → callback), each a distinct user and a distinct
 *   synthetic persona (`bench-<n>`, lib/simulator/persona-lookup.ts), the four providers mixed:
 *   pass = every one connected, none crossed (checked in the database: each user's connection
 *   has its persona's external id, and its tokens decrypt to what the simulator issued to that
 *   persona), no 5xx.
 * The simulator runs as its own process by default (tests/support/simulator-server.ts through
 * SIMULATOR_URL), as a real provider is elsewhere: in-process, 500 callbacks queue in front of the
 * very token and identity requests they wait for, on the same event loop
 * (`--oauth-simulator in-process` measures that too).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { clerkServerEnv, makeClerkKeys, mintSession, sessionHeaders, type Session } from '../e2e/support/clerk';
import { crossedFlows, FLOW_PROVIDERS, type Flow, type StoredConnection } from '../tests/support/synthetic-flows';
import { freePort } from '../tests/support/postgres-server';
import { startSharedSimulator } from '../tests/support/shared-simulator';
import { onCleanup } from './cleanup';
import { SIMULATOR_ADMIN_HEADERS, SIMULATOR_ADMIN_SECRET } from './seed';
import { pct, type Percentiles } from './seeds';
import { startBenchServer } from './server';

export type SimulatorPlacement = 'process' | 'in-process';

export interface OAuthFlowsResult {
  authMode: 'clerk';
  simulator: SimulatorPlacement;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  latency: { n: number; warmup: number; connected: number; authorizeMs: Percentiles; callbackMs: Percentiles; statuses: Record<string, number> };
  concurrency: {
    flows: number;
    users: number;
    connected: number;
    crossed: number;
    problems: string[];
    fiveXx: number;
    statuses: Record<string, number>;
    errors: string[];
    wallMs: number;
    flowMs: Percentiles;
    callbackMs: Percentiles;
  };
}

interface FlowRun {
  connected: boolean;
  authorizeMs: number;
  callbackMs: number;
  flowMs: number;
  error?: string;
}

const round = (n: number) => Math.round(n * 10) / 10;
const TIMEOUT_MS = 120_000;

/** One flow as a browser would make it, without the browser; every status is counted under its step. */
async function runFlow(base: string, simulatorOrigin: string, flow: Flow, session: Session, statuses: Record<string, number>): Promise<FlowRun> {
  const count = (step: string, status: number) => (statuses[`${step} ${status}`] = (statuses[`${step} ${status}`] ?? 0) + 1);
  const expectRedirect = async (step: string, res: Response) => {
    count(step, res.status);
    const body = await res.text();
    const location = res.headers.get('location');
    if (res.status < 300 || res.status > 303 || !location) throw new Error(`${step} answered ${res.status}: ${body.slice(0, 200)}`);
    return new URL(location, base);
  };
  const cookie = sessionHeaders(session);
  const t0 = performance.now();
  try {
    const a0 = performance.now();
    const consentUrl = await expectRedirect(
      'authorize',
      await fetch(`${base}/api/v1/oauth/${flow.provider}/authorize`, { headers: cookie, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) }),
    );
    const authorizeMs = performance.now() - a0;
    if (consentUrl.origin !== simulatorOrigin) throw new Error(`authorize sent the browser to ${consentUrl.origin}, not the simulator`);
    const callbackUrl = await expectRedirect(
      'consent',
      await fetch(consentUrl, {
        method: 'POST',
        headers: { ...SIMULATOR_ADMIN_HEADERS, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision: 'allow', persona: flow.personaId }),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }),
    );
    const c0 = performance.now();
    const done = await expectRedirect('callback', await fetch(callbackUrl, { headers: cookie, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) }));
    const callbackMs = performance.now() - c0;
    const outcome = done.searchParams.get('outcome');
    return { connected: outcome === 'connected', authorizeMs, callbackMs, flowMs: performance.now() - t0, ...(outcome === 'connected' ? {} : { error: `outcome ${outcome}` }) };
  } catch (err) {
    return { connected: false, authorizeMs: NaN, callbackMs: NaN, flowMs: performance.now() - t0, error: (err as Error).message };
  }
}

const flowsFor = (prefix: string, count: number, firstPersona: number): Flow[] =>
  Array.from({ length: count }, (_, i) => ({
    userId: `user_${prefix}${i}`,
    provider: FLOW_PROVIDERS[i % FLOW_PROVIDERS.length]!,
    personaId: `bench-${firstPersona + i}`,
  }));

export async function oauthFlowsPhase(
  adminSql: postgres.Sql,
  pgUrl: string,
  spec: { latencyFlows: number; concurrentFlows: number; simulator: SimulatorPlacement },
  log: (line: string) => void,
): Promise<OAuthFlowsResult> {
  log(`\n(f) OAuth: authorize/callback p99 over ${spec.latencyFlows} sequential flows, then ${spec.concurrentFlows} concurrent flows (Clerk mode, simulator 0 ms, ${spec.simulator})…`);
  await adminSql.unsafe('create database grantkeeper_oauth');
  const dbUrl = pgUrl.replace(/\/postgres$/, '/grantkeeper_oauth');
  const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
  onCleanup('close the oauth connection', () => sql.end({ timeout: 1 }));
  const encryptionKey = generateFernetKey();
  const keys = await makeClerkKeys();
  const port = await freePort();
  const sim =
    spec.simulator === 'process'
      ? await startSharedSimulator({ SIMULATOR_LATENCY_MS: '0', SIMULATOR_APP_ORIGINS: `http://127.0.0.1:${port}` }, SIMULATOR_ADMIN_SECRET)
      : undefined;
  if (sim) onCleanup('stop the OAuth simulator', () => sim.stop());
  const server = await startBenchServer({
    ...clerkServerEnv(keys),
    AUTH_MODE: 'clerk',
    DATABASE_URL: dbUrl,
    ENCRYPTION_KEYS: encryptionKey,
    CRON_SECRET: crypto.randomBytes(24).toString('hex'),
    DB_MIGRATE: 'on',
    SIMULATOR: 'on',
    SIMULATOR_ADMIN_SECRET,
    SIMULATOR_LATENCY_MS: '0',
    SCHEDULER: 'off',
    INSIGHTS: 'off',
    LOG_LEVEL: 'warn',
    // The limits stay on (their cost is part of the time) but far above what the bench sends.
    RATE_LIMIT_AUTHORIZE: '999999999/60s',
    RATE_LIMIT_CALLBACK: '999999999/60s',
    ...(sim ? { SIMULATOR_URL: sim.url } : {}),
  }, { port });
  const simulatorOrigin = sim?.url ?? server.url;
  const sessions = async (flows: Flow[]) => Promise.all(flows.map((f) => mintSession(server.url, keys.signingKey, f.userId)));
  const loadAverageAtStart = os.loadavg().map((l) => Number(l.toFixed(2)));

  // Sequential: warm-up flows first (first requests compile routes and open pools), then measured.
  const warmup = 20;
  const latencyFlows = flowsFor('lat', warmup + spec.latencyFlows, 100_000);
  const latencySessions = await sessions(latencyFlows);
  const latencyStatuses: Record<string, number> = {};
  const measured: FlowRun[] = [];
  for (const [i, flow] of latencyFlows.entries()) {
    const run = await runFlow(server.url, simulatorOrigin, flow, latencySessions[i]!, latencyStatuses);
    if (i >= warmup) measured.push(run);
    if (!run.connected && measured.length + warmup > i) log(`    sequential flow ${i} (${flow.provider}) failed: ${run.error}`);
  }
  const ok = measured.filter((r) => r.connected);
  const latency = {
    n: measured.length,
    warmup,
    connected: ok.length,
    authorizeMs: pct(ok.map((r) => round(r.authorizeMs))),
    callbackMs: pct(ok.map((r) => round(r.callbackMs))),
    statuses: latencyStatuses,
  };
  log(`    sequential: authorize p50 ${latency.authorizeMs.p50} / p99 ${latency.authorizeMs.p99} ms, callback p50 ${latency.callbackMs.p50} / p99 ${latency.callbackMs.p99} ms (${ok.length}/${measured.length} connected)`);

  // Concurrent: every flow starts at once, each its own user and persona.
  const flows = flowsFor('conc', spec.concurrentFlows, 0);
  const concurrentSessions = await sessions(flows);
  const statuses: Record<string, number> = {};
  const t0 = performance.now();
  const runs = await Promise.all(flows.map((flow, i) => runFlow(server.url, simulatorOrigin, flow, concurrentSessions[i]!, statuses)));
  const wallMs = Math.round(performance.now() - t0);

  const rows = await sql<{ user_id: string; provider: string; external_account_id: string; access_token_enc: string; refresh_token_enc: string | null }[]>`
    select user_id, provider, external_account_id, access_token_enc, refresh_token_enc from connections where user_id like 'user_conc%'`;
  const cipher = new MultiFernet([encryptionKey]);
  const stored: StoredConnection[] = rows.map((r) => ({
    userId: r.user_id,
    provider: r.provider,
    externalAccountId: r.external_account_id,
    accessToken: cipher.decrypt(r.access_token_enc),
    refreshToken: r.refresh_token_enc ? cipher.decrypt(r.refresh_token_enc) : null,
  }));
  const issuedRes = await fetch(`${simulatorOrigin}/api/simulator/_admin/issued`, { headers: SIMULATOR_ADMIN_HEADERS });
  if (issuedRes.status !== 200) throw new Error(`GET _admin/issued answered ${issuedRes.status}`);
  const issued = (await issuedRes.json()) as Record<'accessTokens' | 'refreshTokens', { value: string; personaId: string | null }[]>;
  const personaOfToken = new Map([...issued.accessTokens, ...issued.refreshTokens].map((t) => [t.value, t.personaId]));
  const problems = crossedFlows(flows, stored, personaOfToken);
  const failed = runs.filter((r) => !r.connected);
  // Crossed: among the flows that connected (each user has one flow), any landing wrong.
  const connectedFlows = flows.filter((_, i) => runs[i]!.connected);
  const connectedUsers = new Set(connectedFlows.map((f) => f.userId));
  const crossed = crossedFlows(connectedFlows, stored.filter((c) => connectedUsers.has(c.userId)), personaOfToken).length;
  const concurrency = {
    flows: flows.length,
    users: new Set(flows.map((f) => f.userId)).size,
    connected: runs.length - failed.length,
    crossed,
    problems: problems.slice(0, 10),
    fiveXx: Object.entries(statuses).filter(([k]) => / 5\d\d$/.test(k)).reduce((s, [, v]) => s + v, 0),
    statuses,
    errors: [...new Set(failed.map((r) => r.error ?? 'not connected'))].slice(0, 10),
    wallMs,
    flowMs: pct(runs.map((r) => round(r.flowMs))),
    callbackMs: pct(runs.filter((r) => r.connected).map((r) => round(r.callbackMs))),
  };
  log(
    `    concurrent: ${concurrency.connected}/${concurrency.flows} connected in ${wallMs} ms, ${concurrency.crossed} crossed, ${concurrency.fiveXx} 5xx; ` +
      `statuses ${JSON.stringify(statuses)}${concurrency.errors.length ? `; errors ${JSON.stringify(concurrency.errors)}` : ''}`,
  );
  const loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  await server.stop();
  sim?.stop();
  return { authMode: 'clerk', simulator: spec.simulator, loadAverageAtStart, loadAverageAtEnd, latency, concurrency };
}
