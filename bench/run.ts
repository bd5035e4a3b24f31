/**
 * `npm run bench`: sweep throughput, token API throughput and latency, and Fernet speed, against
 * a production build (`.next-bench`) on a throwaway PostgreSQL 15. Prints a table next to the
 * goals and writes the same figures to bench/results/latest.json. Cleans up everything it starts,
 * also on failure and Ctrl-C. Options: --rebuild (rebuild .next-bench first), --cpu-prof (write
 * V8 CPU profiles of the server to bench/cpu-profiles/), --connections N, --seconds S, --only abc|d
 * (just the keep-alive phases, or just the insights sync; `--only b` is the token API alone on
 * 1,000 fresh connections, no sweep: the quick phase to interleave for A/B runs), --insights-accounts N, --insights-days D,
 * --insights-concurrency C (INSIGHTS_PROVIDER_CONCURRENCY of the (d) server; default: the app's),
 * --scale-only (only (e), the three-instance scale-out run, bench/scale.ts), --no-scale,
 * --seeds-only / --no-seeds ((f), bench/seeds.ts), --scheduler-window S (default 600),
 * --oauth-only / --no-oauth ((f)'s OAuth part, bench/oauth-flows.ts: authorize/callback p99,
 * per-request server CPU, statements and round trips, and concurrent flows; it runs with (f) unless
 * --no-oauth; with --cpu-prof it profiles that server), --oauth-flows N (sequential flows timed,
 * default 500), --oauth-cost-flows N (flows whose steps are costed, default 200), --oauth-concurrency N (flows at once, default 500), --oauth-simulator in-process
 * (the simulator inside the app server instead of its own process).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { startPostgres } from '../tests/support/postgres-server';
import { cleanup, installSignalHandlers, onCleanup } from './cleanup';
import { benchFernet, type FernetResult } from './fernet';
import { insightRows, insightsPhase, type InsightBenchResult } from './insights';
import { SURVIVOR_ANSWERS } from '../tests/support/scale-out';
import { scaleOutBench, type ScaleBenchResult } from './scale';
import { oauthFlowsPhase, type OAuthFlowsResult } from './oauth-flows';
import { refreshDurations, seedsPhase, type SeedsResult } from './seeds';
import type { LoadResult, LoadSpec } from './loadgen';
import { cpuSeconds, cpuSecondsOf, memory, resetPeak, type Memory } from './proc';
import { SEED_PROVIDERS, seedDueConnections, SIMULATOR_ADMIN_HEADERS, SIMULATOR_ADMIN_SECRET } from './seed';
import { APP_ROOT, BENCH_DIST_DIR, ROOT, startBenchServer, type BenchServer } from './server';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
};
const CONNECTIONS = option('--connections', 10_000);
/** Extra node/V8 flags for the server only (e.g. --server-node-options "--max-old-space-size=128"), recorded in the results. */
const SERVER_NODE_OPTIONS = (() => {
  const i = args.indexOf('--server-node-options');
  return i >= 0 ? (args[i + 1] ?? '') : '';
})();
const LOAD_SECONDS = option('--seconds', 30);
const ONLY = (() => {
  const i = args.indexOf('--only');
  const value = i >= 0 ? args[i + 1] : undefined;
  if (value !== undefined && value !== 'abc' && value !== 'b' && value !== 'd') throw new Error('--only takes abc, b or d');
  return value;
})();
const INSIGHT_SPEC = {
  accounts: option('--insights-accounts', 100),
  days: option('--insights-days', 90),
  latencyMs: 100,
  accountsPerConnection: 10,
};
const INSIGHT_CONCURRENCY = args.includes('--insights-concurrency') ? option('--insights-concurrency', 1) : undefined;
const OAUTH_SPEC = {
  latencyFlows: option('--oauth-flows', 500),
  concurrentFlows: option('--oauth-concurrency', 500),
  costFlows: option('--oauth-cost-flows', 200),
  simulator: args[args.indexOf('--oauth-simulator') + 1] === 'in-process' && flag('--oauth-simulator') ? ('in-process' as const) : ('process' as const),
};
const WARMUP_SECONDS = 5;
const CLIENTS = 50;
const TOKEN_API_CONNECTIONS = 1_000;
const MAX_SWEEP_CALLS = 5;

const GOALS = {
  sweepSeconds: 60,
  rps50: 2_000,
  p99OneClientMs: 5,
  /** Issue 12: server RSS under the token API's load, and idle ("< 100 MB for the base service"). */
  rssUnderLoadMiB: 250,
  rssIdleMiB: 100,
  /** Issue 12: token API throughput at 50 clients against the framework floor, and round trips per read. */
  floorRatio: 0.8,
  roundTripsPerRead: 2,
  decryptPerSec: 50_000,
};
/** The field's leading tool, measured the same way (figures given with the task). */
const LEADER = { rps50: 400, p99OneClientMs: 10, rssMiB: 387 };

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------------

function machine() {
  const pkg = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    kernel: os.release(),
    /** 1/5/15-minute load average when the run started: anything else busy on 2 cores skews every figure. */
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    next: pkg('next'),
    postgresJs: pkg('postgres'),
  };
}

/** The newest mtime of the sources a build is made from. */
function newestSource(): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) if (entry !== 'node_modules') visit(path.join(p, entry));
    } else if (/\.(tsx?|css|sql)$/.test(p) && !/\.test\.tsx?$/.test(p) && stat.mtimeMs > newest.mtimeMs) {
      newest = { file: path.relative(APP_ROOT, p), mtimeMs: stat.mtimeMs };
    }
  };
  for (const p of ['app', 'lib', 'components', 'supabase', 'proxy.ts', 'instrumentation.ts']) {
    if (fs.existsSync(path.join(APP_ROOT, p))) visit(path.join(APP_ROOT, p));
  }
  return newest;
}

function ensureBuild(): { built: boolean; buildId: string; builtAt: string; staleBy?: string } {
  const idFile = path.join(APP_ROOT, BENCH_DIST_DIR, 'BUILD_ID');
  let built = false;
  if (flag('--rebuild') || !fs.existsSync(idFile)) {
    log(
      `${fs.existsSync(idFile) ? '--rebuild' : `${BENCH_DIST_DIR} is missing`}: building it now ` +
        `(NEXT_DIST_DIR=${BENCH_DIST_DIR} next build; takes a few minutes on 2 cores)…`,
    );
    const res = spawnSync(process.execPath, [path.join(APP_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      cwd: APP_ROOT,
      env: { ...process.env, NODE_ENV: 'production', NEXT_DIST_DIR: BENCH_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: 'inherit',
      timeout: 20 * 60_000,
    });
    if (res.status !== 0) throw new Error(`next build failed (exit ${res.status ?? res.signal}); fix the build, then run again`);
    built = true;
  }
  const buildId = fs.readFileSync(idFile, 'utf8').trim();
  const builtAtMs = fs.statSync(idFile).mtimeMs;
  const newest = newestSource();
  const staleBy = newest.mtimeMs > builtAtMs ? newest.file : undefined;
  if (staleBy) log(`warning: ${staleBy} is newer than the ${BENCH_DIST_DIR} build: these figures are for the older build (use --rebuild)`);
  return { built, buildId, builtAt: new Date(builtAtMs).toISOString(), staleBy };
}

// --------------------------------------------------------------------------------------------- db

interface StatementStat {
  calls: number;
  rows: number;
  query: string;
}

const PROBE = '/* bench-probe */';

async function resetStatements(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`${PROBE} select pg_stat_statements_reset()`);
}

/** Statements the app executed in the bench database since the last reset (the bench's own probes excluded). */
async function readStatements(sql: postgres.Sql): Promise<{ total: number; top: StatementStat[] }> {
  const rows = await sql.unsafe<{ calls: string; rows: string; query: string }[]>(
    `${PROBE} select calls::text, rows::text, regexp_replace(query, '\\s+', ' ', 'g') as query
       from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not like '%bench-probe%'
      order by calls desc`,
  );
  const all = rows.map((r) => ({ calls: Number(r.calls), rows: Number(r.rows), query: r.query.slice(0, 160) }));
  return { total: all.reduce((s, r) => s + r.calls, 0), top: all.slice(0, 12) };
}

interface ProbeSnapshot {
  pid: number;
  at: number;
  writes: number;
  bytes: number;
  elu: { idleMs: number; activeMs: number };
  gc: { count: number; ms: number; byKind: Record<string, { count: number; ms: number }> };
  /** [end (unix ms), duration ms, kind] of the last 2,000 GC pauses. */
  gcPauses: [number, number, string][];
  memory: NodeJS.MemoryUsage;
}

/**
 * What bench/server-probe.cjs last wrote for the server process (it rewrites every 500 ms), with
 * PostgreSQL socket writes summed over every process of the server.
 */
async function readProbe(dir: string, pid: number): Promise<ProbeSnapshot> {
  await new Promise((r) => setTimeout(r, 700));
  let writes = 0;
  let bytes = 0;
  let own: ProbeSnapshot | undefined;
  for (const f of fs.readdirSync(dir).filter((f) => /^\d+\.json$/.test(f))) {
    const snap = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ProbeSnapshot;
    writes += snap.writes;
    bytes += snap.bytes;
    if (snap.pid === pid) own = snap;
  }
  if (!own) throw new Error(`the server probe wrote nothing for pid ${pid} (NODE_OPTIONS --require not applied?)`);
  return { ...own, writes, bytes };
}

interface ProbeDelta {
  /** Share of wall time the server's event loop was busy. */
  eventLoopUtilization: number;
  gcCount: number;
  gcMs: number;
  majorGcCount: number;
  majorGcMs: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

const MiB = (b: number) => round(b / 1024 ** 2, 1);

interface GcWindow {
  pauses: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  /** Share of the window's wall time the main thread stood in GC pauses. */
  share: number;
  byKind: Record<string, number>;
  /** More pauses than the probe keeps: the counts are a lower bound. */
  truncated: boolean;
}

/** GC pauses that ended within [fromMs, toMs] (unix ms), from the probe's recent-pause log. */
function gcWindow(snap: ProbeSnapshot, fromMs: number, toMs: number): GcWindow {
  const inside = snap.gcPauses.filter(([end]) => end >= fromMs && end <= toMs);
  // The log is a ring: if its oldest entry is inside the window, earlier pauses were dropped.
  const truncated = snap.gcPauses.length >= 2000 && (snap.gcPauses[0]?.[0] ?? 0) > fromMs;
  const totalMs = inside.reduce((s, [, d]) => s + d, 0);
  const byKind: Record<string, number> = {};
  for (const [, , kind] of inside) byKind[kind] = (byKind[kind] ?? 0) + 1;
  return {
    pauses: inside.length,
    totalMs: round(totalMs),
    meanMs: round(totalMs / Math.max(1, inside.length), 2),
    maxMs: round(Math.max(0, ...inside.map(([, d]) => d)), 1),
    share: round(totalMs / Math.max(1, toMs - fromMs), 3),
    byKind,
    truncated,
  };
}

function probeDelta(a: ProbeSnapshot, b: ProbeSnapshot): ProbeDelta {
  const active = b.elu.activeMs - a.elu.activeMs;
  const idle = b.elu.idleMs - a.elu.idleMs;
  const major = (s: ProbeSnapshot) => s.gc.byKind.major ?? { count: 0, ms: 0 };
  return {
    eventLoopUtilization: round(active / Math.max(1, active + idle), 3),
    gcCount: b.gc.count - a.gc.count,
    gcMs: round(b.gc.ms - a.gc.ms),
    majorGcCount: major(b).count - major(a).count,
    majorGcMs: round(major(b).ms - major(a).ms),
    heapUsedMiB: MiB(b.memory.heapUsed),
    heapTotalMiB: MiB(b.memory.heapTotal),
    externalMiB: MiB(b.memory.external),
  };
}

// ------------------------------------------------------------------------------------------ phases

interface SweepResult {
  connections: number;
  perProvider: Record<string, number>;
  calls: number;
  wallSeconds: number;
  refreshed: number;
  failed: number;
  released: number;
  errors: string[];
  refreshesPerSec: number;
  peakRssMiB: number;
  rssAfterMiB: number;
  serverCpuSec: number;
  postgresCpuSec: number;
  server: ProbeDelta;
  gc: GcWindow;
  statements: number;
  statementsPerRefresh: number;
  roundTrips: number;
  roundTripsPerRefresh: number;
  topStatements: StatementStat[];
  rssAfterSeedMiB: number;
  peakRssBeforeSweepMiB: number;
  verify: { rowsRefreshed: number; rowsStillDue: number; simulatorRefreshOk: Record<string, number>; simulatorRefreshOther: Record<string, number>; ok: boolean };
}

async function sweepPhase(server: BenchServer, sql: postgres.Sql, cipher: MultiFernet, cronSecret: string, wireDir: string): Promise<SweepResult> {
  log(`\n(a) sweep: seeding ${CONNECTIONS} due connections (${SEED_PROVIDERS.join(', ')})…`);
  const perProvider = await seedDueConnections(sql, server.url, cipher, CONNECTIONS);
  const due = (await sql<{ due: number }[]>`select count(*)::int as due from connections where status = 'active' and next_attempt_at <= now()`)[0]!.due;
  if (due !== CONNECTIONS) throw new Error(`expected ${CONNECTIONS} due connections, found ${due}`);
  const afterSeed = memory(server.pid);
  log(`    seeded ${JSON.stringify(perProvider)}; server RSS now ${afterSeed.rssMiB.toFixed(0)} MiB (peak so far ${afterSeed.hwmMiB.toFixed(0)} MiB)`);

  await resetStatements(sql);
  const probe0 = await readProbe(wireDir, server.pid);
  if (!resetPeak(server.pid)) log('    warning: could not reset VmHWM (clear_refs); peak RSS includes start-up and seeding');
  const cpu0 = cpuSeconds(server.pid);
  const pgCpu0 = cpuSecondsOf('postgres');

  const t0 = performance.now();
  const sweepStart = Date.now();
  let calls = 0;
  let refreshed = 0;
  let failed = 0;
  let released = 0;
  const errors: string[] = [];
  for (; calls < MAX_SWEEP_CALLS; ) {
    calls++;
    const res = await fetch(`${server.url}/api/cron/refresh-tokens`, {
      headers: { authorization: `Bearer ${cronSecret}` },
      signal: AbortSignal.timeout(300_000),
    });
    if (res.status !== 200) throw new Error(`cron answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const s = (await res.json()) as { claimed: number; refreshed: number; failed: number; needsReauth: number; released: number; errors: string[]; durationMs: number };
    refreshed += s.refreshed;
    failed += s.failed + s.needsReauth;
    released += s.released;
    errors.push(...s.errors);
    log(`    sweep call ${calls}: claimed ${s.claimed}, refreshed ${s.refreshed}, failed ${s.failed}, released ${s.released}, ${(s.durationMs / 1000).toFixed(1)} s`);
    // Again only while something is still due (a sweep stopped by its time budget or batch limit).
    const stillDue = (await sql.unsafe<{ n: number }[]>(`${PROBE} select count(*)::int as n from connections where status = 'active' and next_attempt_at <= now()`))[0]!.n;
    if (s.claimed === 0 || stillDue === 0) break;
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const serverCpuSec = cpuSeconds(server.pid) - cpu0;
  const postgresCpuSec = cpuSecondsOf('postgres') - pgCpu0;
  const mem = memory(server.pid);
  const probe1 = await readProbe(wireDir, server.pid);
  const stmts = await readStatements(sql);

  // Verify: every row refreshed once and not due, and the simulator saw exactly that many refreshes.
  const [rows] = await sql<{ refreshed: number; due: number }[]>`
    select count(*) filter (where last_refreshed_at is not null and token_version = 2 and status = 'active'
                              and consecutive_failures = 0 and lease_owner is null and next_attempt_at > now())::int as refreshed,
           count(*) filter (where next_attempt_at <= now())::int as due
      from connections`;
  const state = (await (await fetch(`${server.url}/api/simulator/_admin/state`, { headers: SIMULATOR_ADMIN_HEADERS, signal: AbortSignal.timeout(300_000) })).json()) as {
    stats: Record<string, { tokenCalls: Record<string, Record<string, number>> }>;
  };
  const simulatorRefreshOk: Record<string, number> = {};
  const simulatorRefreshOther: Record<string, number> = {};
  for (const p of SEED_PROVIDERS) {
    const calls = state.stats[p]?.tokenCalls.refresh_token ?? {};
    simulatorRefreshOk[p] = calls.ok ?? 0;
    for (const [outcome, n] of Object.entries(calls)) if (outcome !== 'ok') simulatorRefreshOther[`${p}:${outcome}`] = n;
  }
  const okTotal = Object.values(simulatorRefreshOk).reduce((a, b) => a + b, 0);
  const ok =
    rows!.refreshed === CONNECTIONS &&
    rows!.due === 0 &&
    okTotal === CONNECTIONS &&
    Object.keys(simulatorRefreshOther).length === 0 &&
    SEED_PROVIDERS.every((p) => simulatorRefreshOk[p] === perProvider[p]);
  const roundTrips = probe1.writes - probe0.writes;
  return {
    connections: CONNECTIONS,
    perProvider,
    calls,
    wallSeconds,
    refreshed,
    failed,
    released,
    errors: errors.slice(0, 10),
    refreshesPerSec: refreshed / wallSeconds,
    peakRssMiB: mem.hwmMiB,
    rssAfterMiB: mem.rssMiB,
    rssAfterSeedMiB: afterSeed.rssMiB,
    peakRssBeforeSweepMiB: afterSeed.hwmMiB,
    serverCpuSec,
    postgresCpuSec,
    server: probeDelta(probe0, probe1),
    gc: gcWindow(probe1, sweepStart, Date.now()),
    statements: stmts.total,
    statementsPerRefresh: stmts.total / Math.max(1, refreshed),
    roundTrips,
    roundTripsPerRefresh: roundTrips / Math.max(1, refreshed),
    topStatements: stmts.top,
    verify: { rowsRefreshed: rows!.refreshed, rowsStillDue: rows!.due, simulatorRefreshOk, simulatorRefreshOther, ok },
  };
}

function runLoadgen(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // One process (node with tsx's loader, not the tsx CLI, which would fork a child that a kill
    // cannot reach); the spec, which holds the API key, travels in the environment, not in argv.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'loadgen.ts')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_LOAD_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kill = () => void child.kill('SIGKILL');
    onCleanup('stop the load generator', kill);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(kill, spec.durationMs + 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`load generator exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult);
      } catch {
        reject(new Error(`load generator printed no result: ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
  });
}

interface TokenApiResult {
  loadGenerator: string;
  connectionsUsed: number;
  warmup: LoadResult;
  concurrent: LoadResult;
  single: LoadResult;
  non200: number;
  rssAfterMiB: number;
  peakRssDuringMiB: number;
  serverCpuSec: number;
  postgresCpuSec: number;
  server: ProbeDelta;
  /** GC pauses in the 50-client and the 1-client segment. */
  gc: { concurrent: GcWindow; single: GcWindow };
  statementsPerRequest: number;
  roundTripsPerRequest: number;
  topStatements: StatementStat[];
  audit: { tokenReadRows: number; okResponses: number; insertStatements: number; rowsPerInsert: number };
  /** Token reads against the framework floor, alternated (ratioPhase). */
  versusFloor: RatioResult;
}

interface RatioResult {
  segmentSeconds: number;
  pairs: { order: 'token, floor' | 'floor, token'; tokenRps: number; floorRps: number; ratio: number }[];
  tokenRps: number;
  floorRps: number;
  /** Token reads served per 401 served, over segments of equal length. */
  ratio: number;
}

async function tokenApiPhase(server: BenchServer, sql: postgres.Sql, wireDir: string): Promise<TokenApiResult> {
  log(`\n(b) token API: creating an API key (POST /api/v1/api-keys, local mode)…`);
  const res = await fetch(`${server.url}/api/v1/api-keys`, {
    method: 'POST',
    // Local mode accepts a change only from its own origin (proxy.ts).
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ name: 'bench' }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 201) throw new Error(`POST /api/v1/api-keys answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const { key } = (await res.json()) as { key: string };
  // Fresh connections only (not due within the run), spread over the providers.
  const ids = await sql<{ id: string }[]>`
    select id from (
      select id, row_number() over (partition by provider order by id) as n from connections
       where user_id = 'local' and status = 'active' and next_attempt_at > now() + interval '10 minutes'
         and expires_at > now() + interval '20 minutes') t
     where n <= ${Math.ceil(TOKEN_API_CONNECTIONS / SEED_PROVIDERS.length)}
     order by n, id
     limit ${TOKEN_API_CONNECTIONS}`;
  if (ids.length < 100) throw new Error(`only ${ids.length} fresh connections to read tokens from`);
  const spec = (clients: number, seconds: number): LoadSpec => ({
    host: '127.0.0.1',
    port: server.port,
    paths: ids.map((r) => `/api/v1/connections/${r.id}/access-token`),
    headers: { authorization: `Bearer ${key}` },
    clients,
    durationMs: seconds * 1000,
    maxRequests: 2_000_000,
    timeoutMs: 10_000,
  });
  const before = (await sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'token.read'`)[0]!.n;

  log(`    warm-up: ${WARMUP_SECONDS} s at ${CLIENTS} clients (not counted)…`);
  const warmup = await runLoadgen(spec(CLIENTS, WARMUP_SECONDS));
  await new Promise((r) => setTimeout(r, 1_500)); // let the warm-up's audit batch flush
  await resetStatements(sql);
  const probe0 = await readProbe(wireDir, server.pid);
  resetPeak(server.pid);
  const cpu0 = cpuSeconds(server.pid);
  const pgCpu0 = cpuSecondsOf('postgres');

  log(`    ${LOAD_SECONDS} s at ${CLIENTS} keep-alive clients…`);
  const t50 = Date.now();
  const concurrent = await runLoadgen(spec(CLIENTS, LOAD_SECONDS));
  const t1 = Date.now();
  // Read now: the probe keeps only the last 2,000 pauses, and the next segment may make as many.
  const probeMid = await readProbe(wireDir, server.pid);
  log(`    ${Math.round(concurrent.rps)} req/s, p50 ${concurrent.latencyMs.p50.toFixed(2)} ms, p99 ${concurrent.latencyMs.p99.toFixed(2)} ms`);
  log(`    ${LOAD_SECONDS} s at 1 client…`);
  const single = await runLoadgen(spec(1, LOAD_SECONDS));
  const tEnd = Date.now();
  log(`    ${Math.round(single.rps)} req/s, p50 ${single.latencyMs.p50.toFixed(2)} ms, p99 ${single.latencyMs.p99.toFixed(2)} ms`);

  await new Promise((r) => setTimeout(r, 1_500)); // the audit buffer flushes at most 1 s late
  const serverCpuSec = cpuSeconds(server.pid) - cpu0;
  const postgresCpuSec = cpuSecondsOf('postgres') - pgCpu0;
  const mem: Memory = memory(server.pid);
  const probe1 = await readProbe(wireDir, server.pid);
  const stmts = await readStatements(sql);
  const after = (await sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'token.read'`)[0]!.n;
  const auditInsert = stmts.top.find((s) => /insert into audit_events .* unnest/i.test(s.query));
  const versusFloor = await ratioPhase(server, spec);
  const measured = concurrent.ok + single.ok;
  const requests = concurrent.requests + single.requests;
  return {
    loadGenerator: 'bench/loadgen.ts: Node http.Agent({ keepAlive: true }), closed loop, separate process',
    connectionsUsed: ids.length,
    warmup,
    concurrent,
    single,
    non200: concurrent.nonOk + concurrent.errors + single.nonOk + single.errors + warmup.nonOk + warmup.errors,
    rssAfterMiB: mem.rssMiB,
    peakRssDuringMiB: mem.hwmMiB,
    serverCpuSec,
    postgresCpuSec,
    statementsPerRequest: stmts.total / Math.max(1, requests),
    roundTripsPerRequest: (probe1.writes - probe0.writes) / Math.max(1, requests),
    server: probeDelta(probe0, probe1),
    gc: { concurrent: gcWindow(probeMid, t50, t1), single: gcWindow(probe1, t1, tEnd) },
    topStatements: stmts.top,
    audit: {
      tokenReadRows: after - before,
      okResponses: measured + warmup.ok,
      insertStatements: auditInsert?.calls ?? 0,
      rowsPerInsert: auditInsert ? auditInsert.rows / Math.max(1, auditInsert.calls) : 0,
    },
    versusFloor,
  };
}

const RATIO_PAIRS = 3;
const IDLE_SETTLE_SECONDS = 30;
const RATIO_SEGMENT_SECONDS = 8;

/**
 * The token API against the framework floor: the same route without credentials answers 401
 * before any token work (its one statement is the per-IP failure counter, lib/http/api-key-route.ts),
 * so it is what Next's pipeline costs here by itself. The two run in alternated segments
 * (token-floor, floor-token, …) so both see the same machine: one floor segment after the token
 * segments, as before, gave ratios from 0.61 to 1.28 for one build under a changing load.
 */
async function ratioPhase(server: BenchServer, tokenSpec: (clients: number, seconds: number) => LoadSpec): Promise<RatioResult> {
  log(`    ${RATIO_PAIRS} × ${RATIO_SEGMENT_SECONDS} s token reads and ${RATIO_PAIRS} × ${RATIO_SEGMENT_SECONDS} s 401s (the framework floor), alternated, ${CLIENTS} clients…`);
  const floorSpec: LoadSpec = {
    host: '127.0.0.1',
    port: server.port,
    paths: ['/api/v1/connections/00000000-0000-4000-8000-000000000000/access-token'],
    headers: {},
    clients: CLIENTS,
    durationMs: RATIO_SEGMENT_SECONDS * 1000,
    maxRequests: 2_000_000,
    timeoutMs: 10_000,
  };
  const pairs: RatioResult['pairs'] = [];
  for (let i = 0; i < RATIO_PAIRS; i++) {
    const tokenFirst = i % 2 === 0;
    const first = await runLoadgen(tokenFirst ? tokenSpec(CLIENTS, RATIO_SEGMENT_SECONDS) : floorSpec);
    const second = await runLoadgen(tokenFirst ? floorSpec : tokenSpec(CLIENTS, RATIO_SEGMENT_SECONDS));
    const [token, floor] = tokenFirst ? [first, second] : [second, first];
    if (token.ok !== token.requests) throw new Error(`token reads in the ratio segments: ${token.requests - token.ok} not 200 (${JSON.stringify(token.errorSamples)})`);
    if ((floor.statuses['401'] ?? 0) !== floor.requests) throw new Error(`the floor segment answered ${JSON.stringify(floor.statuses)}, not only 401`);
    pairs.push({ order: tokenFirst ? 'token, floor' : 'floor, token', tokenRps: round(token.rps), floorRps: round(floor.rps), ratio: round(token.rps / floor.rps, 3) });
  }
  const tokenRps = pairs.reduce((a, p) => a + p.tokenRps, 0) / pairs.length;
  const floorRps = pairs.reduce((a, p) => a + p.floorRps, 0) / pairs.length;
  const result = { segmentSeconds: RATIO_SEGMENT_SECONDS, pairs, tokenRps: round(tokenRps), floorRps: round(floorRps), ratio: round(tokenRps / floorRps, 3) };
  log(`    ${result.tokenRps} vs ${result.floorRps} req/s: ${(result.ratio * 100).toFixed(0)} % of the floor (pairs ${pairs.map((p) => `${(p.ratio * 100).toFixed(0)} %`).join(', ')})`);
  return result;
}

/** The server's live heap: a full GC (the probe's SIGUSR2, with --expose-gc), then its memoryUsage. Run last: it changes RSS. */
async function liveHeapAtEnd(server: BenchServer, dir: string): Promise<{ heapUsedMiB: number; heapTotalMiB: number; externalMiB: number; rssMiB: number }> {
  process.kill(server.pid, 'SIGUSR2');
  const file = path.join(dir, `${server.pid}.gc.json`);
  for (let i = 0; i < 50 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  const { memory: m } = JSON.parse(fs.readFileSync(file, 'utf8')) as { memory: NodeJS.MemoryUsage };
  return { heapUsedMiB: MiB(m.heapUsed), heapTotalMiB: MiB(m.heapTotal), externalMiB: MiB(m.external), rssMiB: MiB(m.rss) };
}

// ------------------------------------------------------------------------------------------ report

interface Row {
  metric: string;
  measured: string;
  goal: string;
  met: boolean | null;
  leader?: string;
}

function table(rows: Row[]): string {
  const head = ['', 'measured', 'goal', 'met', 'leading tool'];
  const cells = rows.map((r) => [r.metric, r.measured, r.goal, r.met === null ? '' : r.met ? 'met' : 'not met', r.leader ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function sweepRows(sweep: SweepResult): Row[] {
  const n = fmt;
  return [
    { metric: `(a) sweep ${n(sweep.connections)} due: wall time`, measured: `${n(sweep.wallSeconds, 1)} s`, goal: `≤ ${GOALS.sweepSeconds} s`, met: sweep.wallSeconds <= GOALS.sweepSeconds },
    { metric: '(a) refreshes/s', measured: n(sweep.refreshesPerSec), goal: '', met: null },
    { metric: '(a) server peak RSS (VmHWM) during sweep', measured: `${n(sweep.peakRssMiB)} MiB`, goal: '', met: null },
    { metric: '(a) DB statements per refresh', measured: n(sweep.statementsPerRefresh, 2), goal: '', met: null },
    { metric: '(a) DB round trips per refresh (wire)', measured: n(sweep.roundTripsPerRefresh, 2), goal: '', met: null },
    { metric: '(a) verified: rows refreshed / simulator ok', measured: `${n(sweep.verify.rowsRefreshed)} / ${n(Object.values(sweep.verify.simulatorRefreshOk).reduce((a, b) => a + b, 0))}`, goal: `${n(sweep.connections)} / ${n(sweep.connections)}`, met: sweep.verify.ok },
  ];
}

function tokenRows(api: TokenApiResult, idleRssMiB: number): Row[] {
  const n = fmt;
  const vs = api.versusFloor;
  return [
    { metric: `(b) token API ${CLIENTS} clients: req/s`, measured: n(api.concurrent.rps), goal: `≥ ${n(GOALS.rps50)}`, met: api.concurrent.rps >= GOALS.rps50, leader: `~${LEADER.rps50}` },
    {
      metric: `(b) token API vs the floor (same route, 401), ${vs.pairs.length} alternated pairs`,
      measured: `${n(vs.ratio * 100)} % (${n(vs.tokenRps)} / ${n(vs.floorRps)} req/s; pairs ${vs.pairs.map((p) => n(p.ratio * 100)).join(', ')} %)`,
      goal: `≥ ${n(GOALS.floorRatio * 100)} %`,
      met: vs.ratio >= GOALS.floorRatio,
    },
    { metric: `(b) ${CLIENTS} clients: p50 / p99`, measured: `${n(api.concurrent.latencyMs.p50, 2)} / ${n(api.concurrent.latencyMs.p99, 2)} ms`, goal: '', met: null },
    { metric: '(b) 1 client: req/s', measured: n(api.single.rps), goal: '', met: null },
    { metric: '(b) 1 client: p50 / p99', measured: `${n(api.single.latencyMs.p50, 2)} / ${n(api.single.latencyMs.p99, 2)} ms`, goal: `p99 ≤ ${GOALS.p99OneClientMs} ms`, met: api.single.latencyMs.p99 <= GOALS.p99OneClientMs, leader: `p99 ${LEADER.p99OneClientMs} ms` },
    { metric: '(b) non-200 responses + errors', measured: n(api.non200), goal: '0', met: api.non200 === 0 },
    { metric: `(b) server RSS idle: ${IDLE_SETTLE_SECONDS} s without a request, before the load (VmRSS)`, measured: `${n(idleRssMiB)} MiB`, goal: `≤ ${GOALS.rssIdleMiB} MiB`, met: idleRssMiB <= GOALS.rssIdleMiB },
    { metric: '(b) server RSS after run (VmRSS)', measured: `${n(api.rssAfterMiB)} MiB`, goal: `≤ ${GOALS.rssUnderLoadMiB} MiB`, met: api.rssAfterMiB <= GOALS.rssUnderLoadMiB, leader: `${LEADER.rssMiB} MB` },
    { metric: '(b) server peak RSS during run (VmHWM)', measured: `${n(api.peakRssDuringMiB)} MiB`, goal: `≤ ${GOALS.rssUnderLoadMiB} MiB`, met: api.peakRssDuringMiB <= GOALS.rssUnderLoadMiB },
    { metric: '(b) event loop busy (both segments)', measured: `${n(api.server.eventLoopUtilization * 100)} %`, goal: '', met: null },
    { metric: `(b) GC pauses ${CLIENTS} clients: n / mean / max`, measured: `${n(api.gc.concurrent.pauses)} / ${n(api.gc.concurrent.meanMs, 1)} / ${n(api.gc.concurrent.maxMs, 1)} ms`, goal: '', met: null },
    { metric: '(b) GC pauses 1 client: n / mean / max', measured: `${n(api.gc.single.pauses)} / ${n(api.gc.single.meanMs, 1)} / ${n(api.gc.single.maxMs, 1)} ms`, goal: '', met: null },
    { metric: '(b) DB statements per token read', measured: n(api.statementsPerRequest, 2), goal: '', met: null },
    { metric: '(b) DB round trips per token read (wire)', measured: n(api.roundTripsPerRequest, 2), goal: `≤ ${GOALS.roundTripsPerRead}`, met: api.roundTripsPerRequest <= GOALS.roundTripsPerRead },
    { metric: '(b) token.read audit rows / 200s (batch size)', measured: `${n(api.audit.tokenReadRows)} / ${n(api.audit.okResponses)} (${n(api.audit.rowsPerInsert)} per insert)`, goal: 'equal', met: api.audit.tokenReadRows === api.audit.okResponses },
  ];
}

function fernetRows(fernet: FernetResult): Row[] {
  const n = fmt;
  return [
    { metric: `(c) Fernet encrypt ${fernet.plaintextBytes} B`, measured: `${n(fernet.encryptPerSec)}/s`, goal: '', met: null },
    { metric: `(c) Fernet decrypt ${fernet.plaintextBytes} B`, measured: `${n(fernet.decryptPerSec)}/s`, goal: `≥ ${n(GOALS.decryptPerSec)}/s`, met: fernet.decryptPerSec >= GOALS.decryptPerSec },
  ];
}

function writeResults(name: string, results: unknown): void {
  const out = path.join(ROOT, 'bench', 'results', name);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${path.relative(ROOT, out)}`);
}

/** (e): the scale-out run's pass conditions, each its own row. */
function scaleRows(r: ScaleBenchResult): Row[] {
  const n = (v: number, d = 0) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const refused = Object.entries(r.refreshCalls).filter(([k]) => k !== 'ok').reduce((s, [, v]) => s + v, 0);
  const survivorsNon200 = Object.entries(r.statuses).filter(([k]) => !k.startsWith('victim ') && k !== '200' && k !== 'cron 200').reduce((s, [, v]) => s + v, 0);
  const survivorsOther = Object.entries(r.statuses).filter(([k]) => !k.startsWith('victim ') && !SURVIVOR_ANSWERS.includes(k)).reduce((s, [, v]) => s + v, 0);
  return [
    { metric: `(e) ${r.instances} instances, ${n(r.grants)} X grants: grants alive`, measured: `${n(r.grants - r.dead)} / ${n(r.grants)}`, goal: 'all', met: r.dead === 0 },
    { metric: '(e) provider refreshes / versions stored', measured: `${n(r.refreshCalls.ok ?? 0)} / ${n(r.storedRefreshes)}`, goal: 'equal', met: (r.refreshCalls.ok ?? 0) === r.storedRefreshes },
    { metric: '(e) grants whose refresh count ≠ versions stored', measured: n(r.mismatched.length), goal: '0', met: r.mismatched.length === 0 },
    { metric: '(e) spent refresh tokens presented', measured: n(refused), goal: '0', met: refused === 0 },
    { metric: '(e) refreshes per grant (min–max)', measured: `${r.minRefreshesPerGrant}–${r.maxRefreshesPerGrant}`, goal: '', met: null },
    { metric: '(e) provider refreshes/s, all instances', measured: n(r.refreshesPerSec, 1), goal: '', met: null },
    { metric: '(e) kill -9: victim leases picked up', measured: `${n(r.victimLeasesPickedUp)} / ${n(r.victimLeases)}`, goal: 'all, > 0', met: r.victimLeases > 0 && r.victimLeasesPickedUp === r.victimLeases },
    { metric: `(e) token reads (${r.settings.clients} clients) / non-200 from survivors (503 allowed)`, measured: `${n(r.tokenReads)} (${n(r.tokenReadsPerSec)}/s) / ${n(survivorsNon200)}`, goal: '— / no error', met: survivorsOther === 0 },
    { metric: '(e) DB statements per stored refresh (reads, cron included)', measured: n(r.statements / Math.max(1, r.storedRefreshes), 1), goal: '', met: null },
  ];
}

/** (f): the seeds' criteria, each with its goal. */
function seedRows(r: SeedsResult): Row[] {
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  const rows: Row[] = [
    { metric: `(f) refresh, simulator 0 ms: p99 (n ${r.refresh.at0ms.n})`, measured: `${r.refresh.at0ms.p99} ms`, goal: '< 500 ms', met: r.refresh.at0ms.p99 < 500 },
  ];
  if (r.refresh.at100ms) {
    rows.push({ metric: `(f) refresh, simulator 100 ms: p99 (n ${r.refresh.at100ms.n}, sweep (a))`, measured: `${r.refresh.at100ms.p99} ms`, goal: '< 2,000 ms', met: r.refresh.at100ms.p99 < 2000 });
  }
  const s = r.scheduler;
  rows.push(
    { metric: `(f) scheduler CPU, ${s.connections.toLocaleString('en-US')} not due, ${s.windowSec} s window${s.windowSec < 600 ? ' (SHORT)' : ''}`, measured: `${(s.cpuShare * 100).toFixed(2)} %`, goal: '< 1 %', met: s.cpuShare < 0.01 },
    { metric: '(f) dashboard /, 1,000 connections: p50 / p99', measured: `${r.dashboard.serverMs.p50.toFixed(0)} / ${r.dashboard.serverMs.p99.toFixed(0)} ms`, goal: '≤ 300 ms', met: r.dashboard.serverMs.p99 <= 300 },
    { metric: '(f) dashboard /: HTML + RSC', measured: `${kib(r.dashboard.htmlBytes)} + ${kib(r.dashboard.rscBytes)}`, goal: '≤ 500 KB', met: r.dashboard.htmlBytes + r.dashboard.rscBytes <= 500_000 },
    {
      metric: '(f) status API, 1,000 connections: first page',
      measured: `${r.dashboard.statusApiCount} connections, ${kib(r.dashboard.statusApiBytes)}, ${r.dashboard.statusApiMs.toFixed(0)} ms, ${r.dashboard.statusApiPaginated ? 'next_cursor to the rest' : 'not paginated'}`,
      goal: 'paginated',
      met: r.dashboard.statusApiPaginated,
    },
  );
  return rows;
}

/** (f), OAuth: the auth endpoints' p99 and the concurrent flows' pass conditions. */
function oauthRows(r: OAuthFlowsResult): Row[] {
  const { latency: l, concurrency: c } = r;
  const sequentialOk = l.connected === l.n;
  return [
    { metric: `(f) authorize, simulator 0 ms: p99 (n ${l.n}, sequential)`, measured: `${l.authorizeMs.p99} ms`, goal: '< 200 ms', met: sequentialOk && l.authorizeMs.p99 < 200 },
    { metric: `(f) callback, simulator 0 ms: p99 (n ${l.n}, sequential)`, measured: `${l.callbackMs.p99} ms`, goal: '< 200 ms', met: sequentialOk && l.callbackMs.p99 < 200 },
    { metric: `(f) authorize cost per request (n ${r.cost.flows}): server CPU / statements / round trips`, measured: `${r.cost.authorize.serverCpuMs} ms / ${r.cost.authorize.statements} / ${r.cost.authorize.roundTrips}`, goal: '', met: null },
    { metric: `(f) callback cost per request (n ${r.cost.flows}): server CPU / statements / round trips`, measured: `${r.cost.callback.serverCpuMs} ms / ${r.cost.callback.statements} / ${r.cost.callback.roundTrips}`, goal: '', met: null },
    { metric: `(f) ${c.flows} concurrent OAuth flows (${c.users} Clerk users, 4 providers, simulator ${r.simulator}): connected`, measured: `${c.connected} / ${c.flows}`, goal: 'all', met: c.connected === c.flows },
    { metric: '(f) concurrent flows crossed (DB: persona external id + tokens)', measured: String(c.crossed), goal: '0', met: c.connected === c.flows && c.crossed === 0 },
    { metric: '(f) concurrent flows: 5xx responses', measured: String(c.fiveXx), goal: '0', met: c.fiveXx === 0 },
    { metric: '(f) concurrent flows: wall time / callback p99', measured: `${(c.wallMs / 1000).toFixed(1)} s / ${c.callbackMs.p99} ms`, goal: '', met: null },
  ];
}

// -------------------------------------------------------------------------------------------- main

async function main() {
  installSignalHandlers();
  const started = new Date();
  const host = machine();
  log(`Grantkeeper benchmark — ${host.nproc} CPUs (${host.cpuModel}), ${host.memoryGiB} GiB, Node ${host.node}, Next ${host.next}`);
  if (host.loadAverageAtStart[0]! > 0.5) {
    log(`warning: load average ${host.loadAverageAtStart.join(' ')}: something else is using the CPUs; figures will be lower and noisier`);
  }

  log('\n(c) Fernet, in this process…');
  const fernet = benchFernet();
  log(`    encrypt ${Math.round(fernet.encryptPerSec)}/s, decrypt ${Math.round(fernet.decryptPerSec)}/s`);

  const build = ensureBuild();
  if (APP_ROOT !== ROOT) log(`serving the build of another checkout: ${APP_ROOT}`);
  log(`build: ${BENCH_DIST_DIR} ${build.buildId} from ${build.builtAt}${build.built ? ' (built by this run)' : ''}`);

  const pg = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' } });
  onCleanup('stop PostgreSQL and remove its temp dir', () => pg.stop());
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  onCleanup('close the admin connection', () => admin.end({ timeout: 1 }));
  const pgVersion = (await admin<{ server_version: string }[]>`show server_version`)[0]!.server_version;
  /** A fresh database with pg_stat_statements, and a bench connection to it. */
  const createDatabase = async (name: string) => {
    await admin.unsafe(`create database ${name}`);
    const url = pg.url.replace(/\/postgres$/, `/${name}`);
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    onCleanup(`close the ${name} connection`, () => sql.end({ timeout: 1 }));
    await sql.unsafe('create extension pg_stat_statements');
    return { url, sql };
  };

  const runOAuth = async () => {
    const cpuProfDir = flag('--cpu-prof') ? path.join(ROOT, 'bench', 'cpu-profiles', `oauth-${started.toISOString().replace(/[:.]/g, '-')}`) : undefined;
    if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
    const oauth = await oauthFlowsPhase(admin, pg.url, { ...OAUTH_SPEC, cpuProfDir }, log);
    if (cpuProfDir) log(`CPU profiles: ${path.relative(ROOT, cpuProfDir)}/`);
    if (oauth.concurrency.problems.length) log(`    problems (first 10): ${JSON.stringify(oauth.concurrency.problems)}`);
    return oauth;
  };
  if (flag('--oauth-only')) {
    const oauth = await runOAuth();
    log(`\n${table(oauthRows(oauth))}`);
    writeResults('oauth-latest.json', { startedAt: started.toISOString(), command: `npm run bench -- ${args.join(' ')}`, machine: { ...host, postgres: pgVersion }, build, oauth });
    return;
  }
  if (flag('--seeds-only')) {
    const seeds = await seedsPhase(admin, pg.url, option('--scheduler-window', 600), null, log);
    const oauth = flag('--no-oauth') ? null : await runOAuth();
    log(`\n${table([...seedRows(seeds), ...(oauth ? oauthRows(oauth) : [])])}`);
    writeResults('seeds-latest.json', { startedAt: started.toISOString(), command: `npm run bench -- ${args.join(' ')}`, machine: { ...host, postgres: pgVersion }, build, seeds, oauth });
    return;
  }
  if (flag('--scale-only')) {
    const scale = await scaleOutBench(admin, pg.url, log);
    log(`\n${table(scaleRows(scale))}`);
    writeResults('scale-latest.json', { startedAt: started.toISOString(), command: `npm run bench -- ${args.join(' ')}`, machine: { ...host, postgres: pgVersion }, build, scale });
    return;
  }

  const encryptionKey = generateFernetKey();
  const cronSecret = crypto.randomBytes(24).toString('hex');
  const cpuProfDir = flag('--cpu-prof') ? path.join(ROOT, 'bench', 'cpu-profiles', started.toISOString().replace(/[:.]/g, '-')) : undefined;
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  const commonEnv = {
    ENCRYPTION_KEYS: encryptionKey,
    CRON_SECRET: cronSecret,
    DB_MIGRATE: 'on',
    AUTH_MODE: 'local',
    SIMULATOR: 'on',
    SIMULATOR_ADMIN_SECRET,
    SCHEDULER: 'off',
    SIMULATOR_LATENCY_MS: '100',
    LOG_LEVEL: 'warn',
  };
  /** One `next start` per part, each with its own database and wire counters, so figures never mix. */
  /**
   * `settle`: measure idle RSS only after IDLE_SETTLE_SECONDS without requests. Right after start the
   * heap still holds start-up garbage that V8's memory reducer collects a few seconds later (113 →
   * 98 MiB within 15–30 s, same build), and "idle" means a server at rest, not one just started.
   */
  const startServer = async (env: Record<string, string>, dbUrl: string, settle = false) => {
    const wireDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-bench-wire-'));
    onCleanup('remove the wire counter dir', () => fs.rmSync(wireDir, { recursive: true, force: true }));
    if (SERVER_NODE_OPTIONS) log(`server node options: ${SERVER_NODE_OPTIONS}`);
    log(`starting next start (${Object.entries(env).filter(([k]) => !/KEYS|SECRET|URL/.test(k)).map(([k, v]) => `${k}=${v}`).join(' ')})…`);
    const server = await startBenchServer(
      { ...env, DATABASE_URL: dbUrl, NODE_OPTIONS: `--expose-gc --require ${path.join(ROOT, 'bench', 'server-probe.cjs')}`, BENCH_PG_PORT: String(pg.port), BENCH_WIRE_DIR: wireDir },
      // As node arguments, not NODE_OPTIONS, which refuses most V8 flags; `next start` serves in-process.
      { cpuProfDir, nodeArgs: SERVER_NODE_OPTIONS.split(/\s+/).filter(Boolean) },
    );
    const started = memory(server.pid);
    log(`    server pid ${server.pid} (group ${server.pgid}) on ${server.url}; RSS ${started.rssMiB.toFixed(0)} MiB once healthy`);
    if (!settle) return { server, wireDir, idle: started, rssAtStartMiB: started.rssMiB };
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_SECONDS * 1000));
    const idle = memory(server.pid);
    log(`    idle RSS ${idle.rssMiB.toFixed(0)} MiB after ${IDLE_SETTLE_SECONDS} s without a request`);
    return { server, wireDir, idle, rssAtStartMiB: started.rssMiB };
  };

  const rows: Row[] = [];
  let refreshAt100ms: Awaited<ReturnType<typeof refreshDurations>> | null = null;
  let keepAlive:
    | { serverEnv: Record<string, string>; serverIdleRssMiB: number; sweep: SweepResult; tokenApi: TokenApiResult; frameworkFloor: RatioResult; liveHeapAtEnd: Awaited<ReturnType<typeof liveHeapAtEnd>> }
    | undefined;
  if (ONLY === 'b') {
    const { url, sql } = await createDatabase('grantkeeper_bench');
    const serverEnv = { ...commonEnv, INSIGHTS: 'off' };
    const { server, wireDir, idle, rssAtStartMiB } = await startServer(serverEnv, url, true);
    log(`\n(b) seeding ${TOKEN_API_CONNECTIONS} fresh connections (no sweep)…`);
    await seedDueConnections(sql, server.url, new MultiFernet([encryptionKey]), TOKEN_API_CONNECTIONS, 'fresh');
    const api = await tokenApiPhase(server, sql, wireDir);
    const liveHeap = await liveHeapAtEnd(server, wireDir);
    const loadAverageAtEnd = os.loadavg().map((l) => round(l, 2));
    await server.stop();
    const summary = {
      loadAverage: { start: host.loadAverageAtStart, end: loadAverageAtEnd },
      rps50: round(api.concurrent.rps),
      floorRps50: api.versusFloor.floorRps,
      ratio: api.versusFloor.ratio,
      ratioPairs: api.versusFloor.pairs.map((p) => p.ratio),
      p50x1: round(api.single.latencyMs.p50, 2),
      p99x1: round(api.single.latencyMs.p99, 2),
      idleRssMiB: round(idle.rssMiB),
      rssAtStartMiB: round(rssAtStartMiB),
      peakRssMiB: round(api.peakRssDuringMiB),
      rssAfterMiB: round(api.rssAfterMiB),
      liveHeapMiB: liveHeap.heapUsedMiB,
      heapTotalAtEndMiB: liveHeap.heapTotalMiB,
      cpuMsPerRead: round((api.serverCpuSec * 1000) / Math.max(1, api.concurrent.requests + api.single.requests), 3),
      pgCpuMsPerRead: round((api.postgresCpuSec * 1000) / Math.max(1, api.concurrent.requests + api.single.requests), 3),
      statementsPerRead: round(api.statementsPerRequest, 2),
      roundTripsPerRead: round(api.roundTripsPerRequest, 2),
      gcShare1Client: api.gc.single.share,
      non200: api.non200,
      auditRowsEqualOk: api.audit.tokenReadRows === api.audit.okResponses,
    };
    log('\nResults');
    log(table([...tokenRows(api, idle.rssMiB), ...fernetRows(fernet)]));
    log(`\nSUMMARY ${JSON.stringify(summary)}`);
    writeResults('token-api-latest.json', {
      startedAt: started.toISOString(),
      command: `npm run bench -- ${args.join(' ')}`,
      machine: { ...host, postgres: pgVersion },
      build: { ...build, appRoot: APP_ROOT === ROOT ? '.' : APP_ROOT },
      serverNodeOptions: SERVER_NODE_OPTIONS || null,
      summary,
      tokenApi: api,
      liveHeapAtEnd: liveHeap,
    });
    return;
  }
  if (ONLY !== 'd') {
    const { url, sql } = await createDatabase('grantkeeper_bench');
    const serverEnv = {
      ...commonEnv,
      SWEEP_TIME_BUDGET_SECONDS: '120',
      SWEEP_BATCH_LIMIT: '20000',
      // (a)–(c) measure keep-alive sweeps; the insights sync that rides along is (d).
      INSIGHTS: 'off',
    };
    const { server, wireDir, idle } = await startServer(serverEnv, url, true);
    const sweep = await sweepPhase(server, sql, new MultiFernet([encryptionKey]), cronSecret, wireDir);
    const api = await tokenApiPhase(server, sql, wireDir);
    const floor = api.versusFloor;
    const liveHeap = await liveHeapAtEnd(server, wireDir);
    refreshAt100ms = await refreshDurations(sql, new Date(started));
    rows.push(...sweepRows(sweep), ...tokenRows(api, idle.rssMiB), ...fernetRows(fernet));
    log(
      `\nDiagnostics: the same route without credentials (401 before any token work; its one statement is the per-IP failure counter) at ${CLIENTS} clients: ` +
        `${Math.round(floor.floorRps)} req/s (the mean of ${floor.pairs.length} segments alternated with token reads) — the framework's own ceiling here. ` +
        `Event loop busy during (b): ${(api.server.eventLoopUtilization * 100).toFixed(0)} %; ` +
        `GC during (b): ${api.server.gcCount} pauses, ${api.server.gcMs} ms (${api.server.majorGcCount} major, ${api.server.majorGcMs} ms); ` +
        `${(api.gc.single.share * 100).toFixed(1)} % of the 1-client segment was spent in GC pauses. ` +
        `Live heap after a forced full GC at the end: ${liveHeap.heapUsedMiB} MiB used (RSS then ${liveHeap.rssMiB} MiB).`,
    );
    if (!sweep.verify.ok) log(`\nsweep verification FAILED: ${JSON.stringify(sweep.verify)}`);
    if (api.non200 > 0) log(`\nnon-200 samples: ${JSON.stringify([...api.concurrent.errorSamples, ...api.single.errorSamples, ...api.warmup.errorSamples])}`);
    keepAlive = {
      serverEnv: Object.fromEntries(Object.entries(serverEnv).filter(([k]) => !/KEYS|SECRET|URL/.test(k))),
      serverIdleRssMiB: idle.rssMiB,
      sweep,
      tokenApi: api,
      frameworkFloor: floor,
      liveHeapAtEnd: liveHeap,
    };
    await server.stop();
  }

  let insights: { serverEnv: Record<string, string>; serverIdleRssMiB: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[]; result: InsightBenchResult } | undefined;
  if (ONLY !== 'abc') {
    const { url, sql } = await createDatabase('grantkeeper_bench_insights');
    const serverEnv: Record<string, string> = {
      ...commonEnv,
      INSIGHTS: 'on',
      INSIGHTS_BACKFILL_DAYS: String(INSIGHT_SPEC.days),
      ...(INSIGHT_CONCURRENCY ? { INSIGHTS_PROVIDER_CONCURRENCY: String(INSIGHT_CONCURRENCY) } : {}),
    };
    const { server, wireDir, idle } = await startServer(serverEnv, url);
    const loadAverageAtStart = os.loadavg().map((l) => round(l, 2));
    const result = await insightsPhase(server, sql, new MultiFernet([encryptionKey]), cronSecret, INSIGHT_SPEC, {
      resetStatements: () => resetStatements(sql),
      readStatements: () => readStatements(sql),
      pgWrites: async () => (await readProbe(wireDir, server.pid)).writes,
      log,
    });
    const loadAverageAtEnd = os.loadavg().map((l) => round(l, 2));
    rows.push(...insightRows(result));
    log(`\n(d) load average at start ${loadAverageAtStart.join(' ')}, at end ${loadAverageAtEnd.join(' ')}; runs ${JSON.stringify(result.runs)}; ${result.providerRequests} provider requests`);
    if (!result.verify.ok) log(`\ninsights verification FAILED: ${JSON.stringify(result.verify)}`);
    if (result.errors.length) log(`\ninsights errors: ${JSON.stringify(result.errors)}`);
    insights = {
      serverEnv: Object.fromEntries(Object.entries(serverEnv).filter(([k]) => !/KEYS|SECRET|URL/.test(k))),
      serverIdleRssMiB: idle.rssMiB,
      loadAverageAtStart,
      loadAverageAtEnd,
      result,
    };
    await server.stop();
  }

  // (e) and (f) start their own servers and databases; a full run includes them unless --no-scale / --no-seeds.
  const scale = ONLY || flag('--no-scale') ? null : await scaleOutBench(admin, pg.url, log);
  const seeds = ONLY || flag('--no-seeds') ? null : await seedsPhase(admin, pg.url, option('--scheduler-window', 600), refreshAt100ms, log);
  const oauth = ONLY || flag('--no-seeds') || flag('--no-oauth') ? null : await runOAuth();
  if (scale) rows.push(...scaleRows(scale));
  if (seeds) rows.push(...seedRows(seeds));
  if (oauth) rows.push(...oauthRows(oauth));

  log('\nResults');
  log(table(rows));

  const results = {
    startedAt: started.toISOString(),
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    machine: { ...host, postgres: pgVersion },
    build: { ...build, appRoot: APP_ROOT === ROOT ? '.' : APP_ROOT },
    serverNodeOptions: SERVER_NODE_OPTIONS || null,
    postgresSettings: 'fsync=off synchronous_commit=off full_page_writes=off max_connections=200 shared_preload_libraries=pg_stat_statements (tests/support/postgres-server.ts)',
    goals: GOALS,
    leader: LEADER,
    ...(keepAlive ?? {}),
    insights,
    fernet,
    scale,
    seeds,
    oauth,
    table: rows,
  };
  writeResults(ONLY === 'd' ? 'latest-insights.json' : 'latest.json', results);
  if (cpuProfDir) log(`CPU profiles: ${path.relative(ROOT, cpuProfDir)}/ (open in Chrome DevTools → Performance, or speedscope)`);
}

main()
  .then(
    () => cleanup(),
    async (err: unknown) => {
      process.stderr.write(`\nbench failed: ${(err as Error)?.stack ?? String(err)}\n`);
      await cleanup();
      process.exitCode = 1;
    },
  )
  .finally(() => {
    // postgres.js and timers must not keep a finished run alive.
    setTimeout(() => process.exit(), 100).unref();
  });
