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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { clerkServerEnv, makeClerkKeys, mintSession, sessionHeaders, type Session } from '../e2e/support/clerk';
import { crossedFlows, FLOW_PROVIDERS, type Flow, type StoredConnection } from '../tests/support/synthetic-flows';
import { freePort } from '../tests/support/postgres-server';
import { startSharedSimulator } from '../tests/support/shared-simulator';
import { onCleanup } from './cleanup';
import { SIMULATOR_ADMIN_HEADERS, SIMULATOR_ADMIN_SECRET } from './seed';
import { pct, type Percentiles } from './seeds';
import { groupCpuSeconds } from './proc';
import { ROOT, startBenchServer, type BenchServer } from './server';

export type SimulatorPlacement = 'process' | 'in-process';

export interface OAuthFlowsResult {
  authMode: 'clerk';
  simulator: SimulatorPlacement;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  latency: { n: number; warmup: number; connected: number; authorizeMs: Percentiles; callbackMs: Percentiles; statuses: Record<string, number> };
  /** Server cost per request (CPU, statements, round trips): what a change moves, whatever the load on the machine. */
  cost: { flows: number; connected: number; authorize: StepCost; callback: StepCost; statuses: Record<string, number> };
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

type Statuses = Record<string, number>;

/** A redirect's target; every status is counted under its step, anything but a 30x is an error. */
async function expectRedirect(base: string, statuses: Statuses, step: string, res: Response): Promise<URL> {
  const key = `${step} ${res.status}`;
  statuses[key] = (statuses[key] ?? 0) + 1;
  const body = await res.text();
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 303 || !location) throw new Error(`${step} answered ${res.status}: ${body.slice(0, 200)}`);
  return new URL(location, base);
}

/** The three steps of a flow, each one request: authorize (our server), consent (the simulator), callback (our server). */
function flowSteps(base: string, simulatorOrigin: string, statuses: Statuses) {
  return {
    async authorize(flow: Flow, session: Session): Promise<URL> {
      const consentUrl = await expectRedirect(
        base,
        statuses,
        'authorize',
        await fetch(`${base}/api/v1/oauth/${flow.provider}/authorize`, { headers: sessionHeaders(session), redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) }),
      );
      if (consentUrl.origin !== simulatorOrigin) throw new Error(`authorize sent the browser to ${consentUrl.origin}, not the simulator`);
      return consentUrl;
    },
    async consent(flow: Flow, consentUrl: URL): Promise<URL> {
      return expectRedirect(
        base,
        statuses,
        'consent',
        await fetch(consentUrl, {
          method: 'POST',
          headers: { ...SIMULATOR_ADMIN_HEADERS, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ decision: 'allow', persona: flow.personaId }),
          redirect: 'manual',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        }),
      );
    },
    /** The outcome the app redirected to (`connected` for a first connect). */
    async callback(session: Session, callbackUrl: URL): Promise<string | null> {
      const done = await expectRedirect(base, statuses, 'callback', await fetch(callbackUrl, { headers: sessionHeaders(session), redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) }));
      return done.searchParams.get('outcome');
    },
  };
}

/** One flow as a browser would make it, without the browser; every status is counted under its step. */
async function runFlow(base: string, simulatorOrigin: string, flow: Flow, session: Session, statuses: Statuses): Promise<FlowRun> {
  const steps = flowSteps(base, simulatorOrigin, statuses);
  const t0 = performance.now();
  try {
    const a0 = performance.now();
    const consentUrl = await steps.authorize(flow, session);
    const authorizeMs = performance.now() - a0;
    const callbackUrl = await steps.consent(flow, consentUrl);
    const c0 = performance.now();
    const outcome = await steps.callback(session, callbackUrl);
    const callbackMs = performance.now() - c0;
    return { connected: outcome === 'connected', authorizeMs, callbackMs, flowMs: performance.now() - t0, ...(outcome === 'connected' ? {} : { error: `outcome ${outcome}` }) };
  } catch (err) {
    return { connected: false, authorizeMs: NaN, callbackMs: NaN, flowMs: performance.now() - t0, error: (err as Error).message };
  }
}

/** What one request of a step costs the server, averaged over a batch of them. */
export interface StepCost {
  n: number;
  /** CPU of the app server's process group (user + system, every thread), ms per request. */
  serverCpuMs: number;
  /** Statements the app ran (pg_stat_statements, top level, BEGIN/COMMIT included) per request. */
  statements: number;
  /** Socket writes to PostgreSQL per request (bench/server-probe.cjs): ≈ round trips. */
  roundTrips: number;
  /** Statements per request by query (the most called first), for finding which to merge. */
  top: { perRequest: number; query: string }[];
}

const PROBE = '/* bench-probe */';

/** PostgreSQL socket writes of every process of the server, as bench/server-probe.cjs last wrote them (every 500 ms). */
async function wireWrites(dir: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 700));
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .reduce((sum, f) => sum + (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { writes: number }).writes, 0);
}

/**
 * Runs `each` over `items` one at a time and measures what the server spent on them: CPU of its
 * process group, statements and round trips. After the last request it waits for the counters to
 * settle (work after the response, afterResponse(), belongs to the step that caused it).
 */
async function measureStep<T>(
  sql: postgres.Sql,
  server: BenchServer,
  wireDir: string,
  items: T[],
  each: (item: T, i: number) => Promise<void>,
): Promise<StepCost> {
  await new Promise((r) => setTimeout(r, 300));
  await sql.unsafe(`${PROBE} select pg_stat_statements_reset()`);
  const writes0 = await wireWrites(wireDir);
  const cpu0 = groupCpuSeconds(server.pgid);
  for (const [i, item] of items.entries()) await each(item, i);
  await new Promise((r) => setTimeout(r, 300));
  const cpu1 = groupCpuSeconds(server.pgid);
  const writes1 = await wireWrites(wireDir);
  const rows = await sql.unsafe<{ calls: string; query: string }[]>(
    `${PROBE} select calls::text, regexp_replace(query, '\\s+', ' ', 'g') as query from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) and query not like '%bench-probe%'
      order by calls desc`,
  );
  const n = Math.max(1, items.length);
  const total = rows.reduce((s, r) => s + Number(r.calls), 0);
  return {
    n: items.length,
    serverCpuMs: round(((cpu1 - cpu0) * 1000) / n),
    statements: round(total / n),
    roundTrips: round((writes1 - writes0) / n),
    top: rows.slice(0, 12).map((r) => ({ perRequest: round(Number(r.calls) / n), query: r.query.slice(0, 140) })),
  };
}

/**
 * The cost pass: `count` fresh flows, step by step: every authorize, then every consent (the
 * simulator's), then every callback, each batch sequential and measured on its own.
 */
async function costPass(
  sql: postgres.Sql,
  server: BenchServer,
  wireDir: string,
  simulatorOrigin: string,
  flows: Flow[],
  sessions: Session[],
): Promise<{ authorize: StepCost; callback: StepCost; connected: number; statuses: Statuses }> {
  const statuses: Statuses = {};
  const steps = flowSteps(server.url, simulatorOrigin, statuses);
  const consentUrls: URL[] = [];
  const callbackUrls: URL[] = [];
  let connected = 0;
  const authorize = await measureStep(sql, server, wireDir, flows, async (flow, i) => {
    consentUrls[i] = await steps.authorize(flow, sessions[i]!);
  });
  for (const [i, flow] of flows.entries()) callbackUrls[i] = await steps.consent(flow, consentUrls[i]!);
  const callback = await measureStep(sql, server, wireDir, flows, async (_flow, i) => {
    const outcome = await steps.callback(sessions[i]!, callbackUrls[i]!);
    statuses[`outcome ${outcome}`] = (statuses[`outcome ${outcome}`] ?? 0) + 1;
    if (outcome === 'connected') connected += 1;
  });
  return { authorize, callback, connected, statuses };
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
  spec: { latencyFlows: number; concurrentFlows: number; costFlows: number; simulator: SimulatorPlacement; cpuProfDir?: string },
  log: (line: string) => void,
): Promise<OAuthFlowsResult> {
  log(`\n(f) OAuth: authorize/callback p99 over ${spec.latencyFlows} sequential flows, then ${spec.concurrentFlows} concurrent flows (Clerk mode, simulator 0 ms, ${spec.simulator})…`);
  await adminSql.unsafe('create database grantkeeper_oauth');
  const dbUrl = pgUrl.replace(/\/postgres$/, '/grantkeeper_oauth');
  const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
  onCleanup('close the oauth connection', () => sql.end({ timeout: 1 }));
  // PostgreSQL is started with pg_stat_statements preloaded (bench/run.ts); statements per step come from it.
  await sql.unsafe('create extension pg_stat_statements');
  const wireDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-bench-wire-'));
  onCleanup('remove the wire counter dir', () => fs.rmSync(wireDir, { recursive: true, force: true }));
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
    NODE_OPTIONS: `--require ${path.join(ROOT, 'bench', 'server-probe.cjs')}`,
    BENCH_PG_PORT: new URL(pgUrl).port,
    BENCH_WIRE_DIR: wireDir,
  }, { port, cpuProfDir: spec.cpuProfDir });
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

  // Cost: fresh flows, step by step, so each step's CPU and statements are its own.
  const costFlows = flowsFor('cost', spec.costFlows, 200_000);
  const costRun = await costPass(sql, server, wireDir, simulatorOrigin, costFlows, await sessions(costFlows));
  const cost = { flows: costFlows.length, ...costRun };
  const perStep = (c: StepCost) => `${c.serverCpuMs} ms CPU, ${c.statements} statements, ${c.roundTrips} round trips`;
  log(
    `    sequential: authorize p50 ${latency.authorizeMs.p50} / p99 ${latency.authorizeMs.p99} ms (${perStep(cost.authorize)}), ` +
      `callback p50 ${latency.callbackMs.p50} / p99 ${latency.callbackMs.p99} ms (${perStep(cost.callback)}) ` +
      `(${ok.length}/${measured.length} connected; cost over ${cost.flows} flows, ${cost.connected} connected${cost.connected < cost.flows ? ` ${JSON.stringify(cost.statuses)}` : ''})`,
  );
  for (const [step, c] of [['authorize', cost.authorize], ['callback', cost.callback]] as const) {
    log(`    ${step} statements per request: ${c.top.map((t) => `${t.perRequest}× ${t.query}`).join(' | ')}`);
  }

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
  return { authMode: 'clerk', simulator: spec.simulator, loadAverageAtStart, loadAverageAtEnd, latency, cost, concurrency };
}
