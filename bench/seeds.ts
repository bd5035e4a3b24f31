/**
 * (f) The seeds' criteria that (a)–(e) do not already measure:
 * - refresh time per connection (audit `token.refreshed` duration_ms: from the claimed row to the
 *   stored result, provider call included), p99, with the simulator at 0 ms and at 100 ms;
 * - the in-process scheduler's CPU with 10,000 connections none of which is due, over a window
 *   (10 minutes; --scheduler-window S for a shorter local run: the results say which);
 * - the dashboard `/` for a user with 1,000 connections: server time and HTML + RSC bytes, and the
 *   status API's size.
 * Authorize/callback p99 and 500 concurrent OAuth flows are bench/oauth-flows.ts, also (f).
 */
import crypto from 'node:crypto';
import postgres from 'postgres';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { onCleanup } from './cleanup';
import { cpuSeconds } from './proc';
import { SIMULATOR_ADMIN_SECRET, seedDueConnections } from './seed';
import { startBenchServer } from './server';

export interface SeedsResult {
  refresh: { at0ms: Percentiles & { n: number }; at100ms: (Percentiles & { n: number }) | null };
  scheduler: { connections: number; windowSec: number; intervalSec: number; cpuSec: number; cpuShare: number; sweeps: number };
  dashboard: { connections: number; runs: number; serverMs: Percentiles; htmlBytes: number; rscBytes: number; statusApiBytes: number; statusApiMs: number; statusApiCount: number; statusApiPaginated: boolean };
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

export const pct = (values: number[]): Percentiles => {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  return { p50: at(50), p99: at(99), max: s[s.length - 1] ?? NaN };
};

/** p50/p99 of token.refreshed durations recorded after `since`. */
export async function refreshDurations(sql: postgres.Sql, since: Date): Promise<Percentiles & { n: number }> {
  const rows = await sql<{ d: number }[]>`select duration_ms as d from audit_events where action = 'token.refreshed' and created_at >= ${since}`;
  return { ...pct(rows.map((r) => r.d)), n: rows.length };
}

export async function seedsPhase(
  adminSql: postgres.Sql,
  pgUrl: string,
  windowSec: number,
  at100ms: (Percentiles & { n: number }) | null,
  log: (line: string) => void,
): Promise<SeedsResult> {
  log(`\n(f) the seeds' criteria: refresh time at 0 ms, scheduler CPU over ${windowSec} s with 10,000 not-due connections, the dashboard at 1,000…`);
  await adminSql.unsafe('create database grantkeeper_seeds');
  const dbUrl = pgUrl.replace(/\/postgres$/, '/grantkeeper_seeds');
  const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
  onCleanup('close the seeds connection', () => sql.end({ timeout: 1 }));
  const encryptionKey = generateFernetKey();
  const cipher = new MultiFernet([encryptionKey]);
  const intervalSec = 60;
  const server = await startBenchServer({
    DATABASE_URL: dbUrl,
    ENCRYPTION_KEYS: encryptionKey,
    CRON_SECRET: crypto.randomBytes(24).toString('hex'),
    DB_MIGRATE: 'on',
    AUTH_MODE: 'local',
    SIMULATOR: 'on',
    SIMULATOR_ADMIN_SECRET,
    SIMULATOR_LATENCY_MS: '0',
    SCHEDULER: 'on',
    SCHEDULER_INTERVAL_SECONDS: String(intervalSec),
    INSIGHTS: 'off',
    LOG_LEVEL: 'warn',
  });

  // Refresh at 0 ms: 1,500 due connections, swept by the scheduler's first run or the next.
  const since = new Date();
  await seedDueConnections(sql, server.url, cipher, 1_500);
  const deadline = Date.now() + 5 * 60_000;
  while (Date.now() < deadline) {
    const due = (await sql<{ due: number }[]>`select count(*)::int as due from connections where next_attempt_at <= now()`)[0]!.due;
    if (due === 0) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  const at0ms = await refreshDurations(sql, since);
  log(`    refresh at 0 ms: p50 ${at0ms.p50} ms, p99 ${at0ms.p99} ms over ${at0ms.n}`);

  // 10,000 connections, none due: 1,000 of them the dashboard user's, 9,000 spread over 90 others.
  // (audit_events is append-only and references them: the 1,500 stay, moved to other users, not due.)
  await sql`insert into users (id, display_name) select 'user_' || g, 'User ' || g from generate_series(1, 90) g on conflict do nothing`;
  await sql`update connections set user_id = 'user_' || (abs(hashtext(id::text)) % 90 + 1), next_attempt_at = now() + interval '40 days'`;
  const existing = (await sql<{ n: number }[]>`select count(*)::int as n from connections`)[0]!.n;
  const enc = cipher.encrypt('not-a-real-token');
  await sql`
    insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc, expires_at, next_attempt_at)
    select case when g <= 1000 then 'local' else 'user_' || (g % 90 + 1) end,
           (array['x', 'amazon-ads', 'linkedin'])[g % 3 + 1], 'acct-' || g, 'Account ' || g, ${enc}, ${enc},
           now() + interval '50 days', now() + interval '40 days'
      from generate_series(1, ${10_000 - existing}) g`;

  // Dashboard: five warm-up loads, then 20 measured (loopback: the time to the last byte is the server's).
  const page = async (headers: Record<string, string>) => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/`, { headers });
    const body = await res.arrayBuffer();
    return { ms: performance.now() - t0, bytes: body.byteLength, status: res.status };
  };
  for (let i = 0; i < 5; i++) await page({});
  const times: number[] = [];
  let htmlBytes = 0;
  for (let i = 0; i < 20; i++) {
    const r = await page({});
    if (r.status !== 200) throw new Error(`GET / answered ${r.status}`);
    times.push(r.ms);
    htmlBytes = r.bytes;
  }
  const rsc = await page({ rsc: '1' });
  // The status API as a client calls it: no parameters, so its first page (warm, like the dashboard).
  const statusPage = async () => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/v1/oauth/status`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET /api/v1/oauth/status answered ${res.status}`);
    return { ms: performance.now() - t0, text };
  };
  await statusPage();
  const { ms: statusApiMs, text: statusBody } = await statusPage();
  const statusJson = JSON.parse(statusBody) as { connections: unknown[]; next_cursor?: string | null };
  // Paginated: fewer than all 1,000 in the answer, and a cursor to the rest.
  const statusApiPaginated = statusJson.connections.length < 1_000 && typeof statusJson.next_cursor === 'string';
  const dashboard = {
    connections: 1_000,
    runs: times.length,
    serverMs: pct(times),
    htmlBytes,
    rscBytes: rsc.bytes,
    statusApiBytes: statusBody.length,
    statusApiMs,
    statusApiCount: statusJson.connections.length,
    statusApiPaginated,
  };
  log(`    dashboard with 1,000: p50 ${dashboard.serverMs.p50.toFixed(0)} ms, HTML ${(htmlBytes / 1024).toFixed(0)} KiB, RSC ${(rsc.bytes / 1024).toFixed(0)} KiB; status API first page ${statusJson.connections.length} connections, ${(statusBody.length / 1024).toFixed(0)} KiB, ${statusApiMs.toFixed(0)} ms`);

  // Scheduler CPU: the server does nothing else in the window.
  log(`    scheduler CPU: ${windowSec} s idle with 10,000 not-due connections, a sweep every ${intervalSec} s…`);
  const sweeps0 = (await sql<{ n: number }[]>`select count(*)::int as n from sweep_runs`.catch(() => [{ n: 0 }]))[0]!.n;
  const cpu0 = cpuSeconds(server.pid);
  await new Promise((r) => setTimeout(r, windowSec * 1000));
  const cpuSec = cpuSeconds(server.pid) - cpu0;
  const sweeps = (await sql<{ n: number }[]>`select count(*)::int as n from sweep_runs`.catch(() => [{ n: 0 }]))[0]!.n - sweeps0;
  const scheduler = { connections: 10_000, windowSec, intervalSec, cpuSec, cpuShare: cpuSec / windowSec, sweeps };
  log(`    ${cpuSec.toFixed(2)} s CPU over ${windowSec} s (${((cpuSec / windowSec) * 100).toFixed(2)} % of one core), ${sweeps} sweeps recorded`);
  await server.stop();
  return { refresh: { at0ms, at100ms }, scheduler, dashboard };
}
