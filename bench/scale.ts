/**
 * (e) Scale-out: three `next start` instances (.next-bench) on one PostgreSQL, each with its
 * in-process scheduler on, sharing one simulator process (SIMULATOR_URL), plus cron-route calls
 * on every instance at once and 50 closed-loop token-API clients, over 2,000 X connections
 * (rotating refresh tokens, 40 s access tokens: each due every ~30 s). Halfway, one instance is
 * killed with SIGKILL while it holds leases. The scenario and its checks are
 * tests/support/scale-out.ts, shared with e2e/scale-out.spec.ts.
 */
import crypto from 'node:crypto';
import postgres from 'postgres';
import { generateFernetKey } from '@/lib/tokens/fernet';
import { runScaleOut, seedRotatingGrants, type ScaleOutReport } from '../tests/support/scale-out';
import { startSharedSimulator } from '../tests/support/shared-simulator';
import { onCleanup } from './cleanup';
import { startBenchServer } from './server';

export const SCALE = { instances: 3, grants: 2_000, ttlSec: 40, clients: 50, beforeKillMs: 45_000, afterKillMs: 35_000, latencyMs: 100 };

export interface ScaleBenchResult extends ScaleOutReport {
  settings: typeof SCALE;
  /** Provider refreshes per second over the whole run (all instances). */
  refreshesPerSec: number;
  tokenReadsPerSec: number;
  /** Statements the app ran per stored refresh, token reads and cron calls included. */
  statements: number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function scaleOutBench(adminSql: postgres.Sql, pgUrl: string, log: (line: string) => void): Promise<ScaleBenchResult> {
  log(`\n(e) scale-out: ${SCALE.instances} instances, ${SCALE.grants} X connections (${SCALE.ttlSec} s tokens), ${SCALE.clients} token-API clients, a kill -9 halfway…`);
  await adminSql.unsafe('create database grantkeeper_scale');
  const dbUrl = pgUrl.replace(/\/postgres$/, '/grantkeeper_scale');
  const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
  onCleanup('close the scale-out connection', () => sql.end({ timeout: 1 }));
  const adminSecret = crypto.randomBytes(16).toString('hex');
  const sim = await startSharedSimulator({ SIMULATOR_LATENCY_MS: String(SCALE.latencyMs), SIMULATOR_ACCESS_TOKEN_TTL: String(SCALE.ttlSec) }, adminSecret);
  onCleanup('stop the shared simulator', () => sim.stop());
  const encryptionKey = generateFernetKey();
  const cronSecret = crypto.randomBytes(24).toString('hex');
  const env = {
    DATABASE_URL: dbUrl,
    ENCRYPTION_KEYS: encryptionKey,
    CRON_SECRET: cronSecret,
    DB_MIGRATE: 'on',
    AUTH_MODE: 'local',
    SIMULATOR: 'on',
    SIMULATOR_URL: sim.url,
    SCHEDULER: 'on',
    SCHEDULER_INTERVAL_SECONDS: '2',
    REFRESH_LEAD_SECONDS: '10',
    PROVIDER_TIMEOUT_SECONDS: '4',
    REFRESH_LEASE_SECONDS: '8',
    INSIGHTS: 'off',
    LOG_LEVEL: 'warn',
  };
  const servers = await Promise.all(Array.from({ length: SCALE.instances }, () => startBenchServer(env)));
  log(`    instances: ${servers.map((s) => `pid ${s.pid} on :${s.port}`).join(', ')}`);
  const created = await fetch(`${servers[0]!.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: servers[0]!.url },
    body: JSON.stringify({ name: 'bench-scale' }),
  });
  if (created.status !== 201) throw new Error(`POST /api/v1/api-keys answered ${created.status}`);
  const { key: apiKey } = (await created.json()) as { key: string };
  const options = { sql, sim, encryptionKey, cronSecret, grants: SCALE.grants, ttlSec: SCALE.ttlSec };
  const ids = await seedRotatingGrants(options);
  await sql.unsafe('create extension if not exists pg_stat_statements');
  await sql.unsafe('/* bench-probe */ select pg_stat_statements_reset()');
  const instances = servers.map((s) => ({
    url: s.url,
    pid: s.pid,
    kill: async () => {
      process.kill(-s.pgid, 'SIGKILL');
      while (alive(s.pid)) await new Promise((r) => setTimeout(r, 50));
    },
    stop: () => s.stop(),
  }));
  const report = await runScaleOut(
    { ...options, instances, tokenClients: SCALE.clients, clientPauseMs: 0, beforeKillMs: SCALE.beforeKillMs, afterKillMs: SCALE.afterKillMs, log },
    apiKey,
    ids,
  );
  const [stmts] = await sql.unsafe<{ n: string }[]>(
    `/* bench-probe */ select coalesce(sum(calls), 0)::text as n from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) and query not like '%bench-probe%'`,
  );
  const result: ScaleBenchResult = {
    ...report,
    settings: SCALE,
    refreshesPerSec: (report.refreshCalls.ok ?? 0) / report.wallSeconds,
    tokenReadsPerSec: report.tokenReads / report.wallSeconds,
    statements: Number(stmts?.n ?? 0),
  };
  log(
    `    ${report.wallSeconds.toFixed(0)} s: ${report.refreshCalls.ok ?? 0} provider refreshes (${result.refreshesPerSec.toFixed(1)}/s), ` +
      `${report.storedRefreshes} stored, per grant ${report.minRefreshesPerGrant}–${report.maxRefreshesPerGrant}; refresh outcomes ${JSON.stringify(report.refreshCalls)}; ` +
      `mismatched ${report.mismatched.length}, dead ${report.dead}; victim leases ${report.victimLeases}, picked up ${report.victimLeasesPickedUp}; ` +
      `unsettled at kill ${report.unsettledAtKill}, at stop ${report.unsettledAtStop}, kept results ${report.keptResults}; ` +
      `answers ${JSON.stringify(report.statuses)}`,
  );
  return result;
}
