import type postgres from 'postgres';
import type { ExpectedRow } from '@/lib/simulator/reporting-admin';
import type { MultiFernet } from '@/lib/tokens/fernet';
import { cpuSeconds, cpuSecondsOf, memory, resetPeak } from './proc';
import { seedGrants, SIMULATOR_ADMIN_HEADERS } from './seed';
import type { BenchServer } from './server';

/**
 * (d) Campaign insights sync: ad accounts of seeded LinkedIn and Amazon Ads connections, a
 * backfill of `days` each, against the server's own simulator with `latencyMs` on every reporting
 * call. The sync rides along with the cron sweep, as in production; the bench calls the cron route
 * until no run is unfinished. Every stored row is then compared with the simulator's expected
 * figures (`GET /api/simulator/_admin/reporting/expected`).
 */

export const INSIGHT_GOALS = { wallSeconds: 60, peakRssMiB: 300 };

export interface InsightBenchSpec {
  accounts: number;
  days: number;
  latencyMs: number;
  /** Accounts per connection (a LinkedIn member or an Amazon login sees several). */
  accountsPerConnection: number;
}

export interface InsightBenchHelpers {
  resetStatements(): Promise<void>;
  readStatements(): Promise<{ total: number; top: { calls: number; rows: number; query: string }[] }>;
  /** Socket writes to PostgreSQL by the server so far (≈ round trips). */
  pgWrites(): Promise<number>;
  log(line: string): void;
}

type BenchProvider = 'linkedin' | 'amazon-ads';
const PROVIDERS: BenchProvider[] = ['linkedin', 'amazon-ads'];
const MAX_CRON_CALLS = 30;

export interface InsightBenchResult {
  spec: InsightBenchSpec;
  accountsPerProvider: Record<string, number>;
  daysPerProvider: Record<string, number>;
  cronCalls: number;
  wallSeconds: number;
  runs: Record<string, number>;
  rowsWritten: number;
  rowsPerSec: number;
  providerRequests: number;
  peakRssMiB: number;
  rssAfterMiB: number;
  serverCpuSec: number;
  postgresCpuSec: number;
  roundTrips: number;
  roundTripsPerRow: number;
  statements: number;
  statementsPerRow: number;
  topStatements: { calls: number; rows: number; query: string }[];
  errors: string[];
  verify: { rowsExpected: number; rowsStored: number; rowsMatching: number; mismatches: string[]; runsSucceeded: number; ok: boolean };
}

/** Connections with `accountsPerConnection` ad accounts each, alternating providers; tokens live in the server's simulator. */
async function seedInsightConnections(
  sql: postgres.Sql,
  server: BenchServer,
  cipher: MultiFernet,
  spec: InsightBenchSpec,
): Promise<Record<BenchProvider, number>> {
  const connections = Math.ceil(spec.accounts / spec.accountsPerConnection);
  const perProvider: Record<BenchProvider, number> = { linkedin: 0, 'amazon-ads': 0 };
  await sql`insert into users (id, display_name) values ('local', 'Local operator') on conflict do nothing`;
  let accountSeq = 0;
  for (const provider of PROVIDERS) {
    const count = PROVIDERS.indexOf(provider) === 0 ? Math.ceil(connections / 2) : Math.floor(connections / 2);
    if (count === 0) continue;
    const grants = await seedGrants(server.url, provider, count);
    for (const g of grants) {
      const n = Math.min(spec.accountsPerConnection, spec.accounts - accountSeq);
      const ids = Array.from({ length: n }, () => String((provider === 'linkedin' ? 510_000_000 : 3_100_000_000_000) + ++accountSeq));
      perProvider[provider] += n;
      // Seeded personas may read any account id (lib/simulator/reporting-*.ts).
      const metadata =
        provider === 'linkedin'
          ? { adAccounts: ids.map((id) => ({ id, name: `Bench ${id}`, currency: 'USD' })) }
          : { region: 'na', profiles: { na: ids.map((id) => ({ profileId: id, countryCode: 'US', currencyCode: 'USD', timezone: 'UTC', accountInfo: { type: 'seller', name: `Bench ${id}` } })) } };
      // Not due for a token refresh during the bench: only the insights sync does work.
      await sql.unsafe(
        `insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc,
                                  expires_at, next_attempt_at, metadata)
         values ('local', $1, $2, $2, $3, $4, now() + make_interval(secs => $5), now() + interval '1 day', $6::text::jsonb)`,
        [provider, g.personaId, cipher.encrypt(g.accessToken), cipher.encrypt(g.refreshToken), g.expiresInSec, JSON.stringify(metadata)],
      );
    }
  }
  return perProvider;
}

/** Exact decimal text without trailing zeros ("12.50" and "12.500000" are the same figure). */
const canon = (v: string | number | null) => {
  if (v === null) return 'null';
  const s = String(v);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};
const rowKey = (r: { campaignId: string; day: string }) => `${r.campaignId}|${r.day}`;
const figures = (r: { impressions: number | string | null; clicks: number | string | null; spend: string | null; conversions: number | string | null; conversionValue: string | null; currency: string | null }) =>
  [r.impressions, r.clicks, r.spend, r.conversions, r.conversionValue].map(canon).join(' ') + ` ${r.currency ?? 'null'}`;

async function verify(sql: postgres.Sql, server: BenchServer): Promise<Omit<InsightBenchResult['verify'], 'runsSucceeded'>> {
  const runs = await sql<{ provider: string; account_id: string; window_from: string; window_to: string }[]>`
    select r.provider, t.account_id, r.window_from::text as window_from, r.window_to::text as window_to
      from insight_sync_runs r join insight_sync_targets t on t.id = r.target_id
     where r.state = 'succeeded'`;
  const mismatches: string[] = [];
  let rowsExpected = 0;
  let rowsMatching = 0;
  for (const run of runs) {
    const q = new URLSearchParams({ provider: run.provider, account: run.account_id, from: run.window_from, to: run.window_to });
    const res = await fetch(`${server.url}/api/simulator/_admin/reporting/expected?${q}`, { headers: SIMULATOR_ADMIN_HEADERS, signal: AbortSignal.timeout(60_000) });
    if (res.status !== 200) throw new Error(`reporting/expected answered ${res.status}`);
    const { rows } = (await res.json()) as { rows: ExpectedRow[] };
    rowsExpected += rows.length;
    const stored = await sql<{ campaignId: string; day: string; impressions: string | null; clicks: string | null; spend: string | null; conversions: string | null; conversionValue: string | null; currency: string | null }[]>`
      select campaign_id as "campaignId", day::text as day, impressions::text, clicks::text, spend::text, conversions::text,
             conversion_value::text as "conversionValue", currency
        from insight_daily_metrics
       where user_id = 'local' and provider = ${run.provider} and account_id = ${run.account_id} and day between ${run.window_from}::date and ${run.window_to}::date`;
    const byKey = new Map(stored.map((r) => [rowKey(r), figures(r)]));
    for (const e of rows) {
      const got = byKey.get(rowKey(e));
      if (got === figures(e)) rowsMatching++;
      else if (mismatches.length < 10) mismatches.push(`${run.provider} ${run.account_id} ${rowKey(e)}: expected ${figures(e)}, stored ${got ?? 'nothing'}`);
    }
    if (stored.length !== rows.length && mismatches.length < 10) mismatches.push(`${run.provider} ${run.account_id}: ${stored.length} rows stored, ${rows.length} expected`);
  }
  const [{ n: rowsStored } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from insight_daily_metrics`;
  return { rowsExpected, rowsStored, rowsMatching, mismatches, ok: rowsExpected > 0 && rowsMatching === rowsExpected && rowsStored === rowsExpected && mismatches.length === 0 };
}

export async function insightsPhase(
  server: BenchServer,
  sql: postgres.Sql,
  cipher: MultiFernet,
  cronSecret: string,
  spec: InsightBenchSpec,
  h: InsightBenchHelpers,
): Promise<InsightBenchResult> {
  h.log(`\n(d) insights: seeding ${spec.accounts} ad accounts (${PROVIDERS.join(', ')}, ${spec.accountsPerConnection} per connection), ${spec.days}-day backfill, ${spec.latencyMs} ms per reporting call…`);
  const knobs = await fetch(`${server.url}/api/simulator/_admin/reporting/knobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...SIMULATOR_ADMIN_HEADERS },
    body: JSON.stringify({ latencyMs: spec.latencyMs }),
    signal: AbortSignal.timeout(30_000),
  });
  if (knobs.status !== 200) throw new Error(`reporting/knobs answered ${knobs.status}: ${(await knobs.text()).slice(0, 300)}`);
  const accountsPerProvider = await seedInsightConnections(sql, server, cipher, spec);
  h.log(`    seeded ${JSON.stringify(accountsPerProvider)}; server RSS now ${memory(server.pid).rssMiB.toFixed(0)} MiB`);

  await h.resetStatements();
  const writes0 = await h.pgWrites();
  if (!resetPeak(server.pid)) h.log('    warning: could not reset VmHWM (clear_refs); peak RSS includes start-up and seeding');
  const cpu0 = cpuSeconds(server.pid);
  const pgCpu0 = cpuSecondsOf('postgres');
  const t0 = performance.now();
  const errors: string[] = [];
  let cronCalls = 0;
  for (; cronCalls < MAX_CRON_CALLS; ) {
    cronCalls++;
    const res = await fetch(`${server.url}/api/cron/refresh-tokens`, { headers: { authorization: `Bearer ${cronSecret}` }, signal: AbortSignal.timeout(300_000) });
    if (res.status !== 200) throw new Error(`cron answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const s = (await res.json()) as { durationMs: number; insights?: { targetsRefreshed: number; queued: number; advanced: number; outcomes: Record<string, number>; errors: string[] } };
    errors.push(...(s.insights?.errors ?? []));
    h.log(`    cron call ${cronCalls}: ${JSON.stringify(s.insights ?? {})} in ${(s.durationMs / 1000).toFixed(1)} s`);
    const [left] = await sql<{ unfinished: number; due_later: number }[]>`
      select count(*) filter (where state not in ('succeeded', 'failed'))::int as unfinished,
             count(*) filter (where state not in ('succeeded', 'failed') and next_run_at > now() + interval '2 minutes')::int as due_later
        from insight_sync_runs`;
    const [targets] = await sql<{ enabled: number; due: number; runs: number }[]>`
      select count(*) filter (where enabled)::int as enabled, count(*) filter (where enabled and next_run_at <= now())::int as due,
             (select count(*)::int from insight_sync_runs) as runs
        from insight_sync_targets`;
    h.log(`    targets enabled ${targets!.enabled}, due ${targets!.due}; runs ${targets!.runs}, unfinished ${left!.unfinished}`);
    // Done when every target has its run and nothing is unfinished; also stop when what is left waits beyond the bench (a deferral).
    if (targets!.runs > 0 && (left!.unfinished === 0 || left!.unfinished === left!.due_later)) break;
    if (targets!.runs === 0 && targets!.due === 0 && cronCalls > 1) throw new Error('no sync run was queued (see the lines above)');
    // As the per-minute cron would: the next call when the earliest waiting run is due (a report polled later).
    const [next] = await sql<{ wait_ms: number | null }[]>`
      select greatest(0, extract(epoch from min(next_run_at) - now()) * 1000)::int as wait_ms
        from insight_sync_runs where state not in ('succeeded', 'failed')`;
    const waitMs = next?.wait_ms ?? 0;
    if (waitMs > 0) await new Promise((r) => setTimeout(r, Math.min(waitMs + 100, 60_000)));
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const serverCpuSec = cpuSeconds(server.pid) - cpu0;
  const postgresCpuSec = cpuSecondsOf('postgres') - pgCpu0;
  const mem = memory(server.pid);
  const roundTrips = (await h.pgWrites()) - writes0;
  const stmts = await h.readStatements();

  const runRows = await sql<{ state: string; n: number; rows: number; requests: number }[]>`
    select state, count(*)::int as n, coalesce(sum(rows_written), 0)::int as rows, coalesce(sum(requests_made), 0)::int as requests
      from insight_sync_runs group by state`;
  const days = await sql<{ provider: string; days: number }[]>`select provider, max(days_total)::int as days from insight_sync_runs group by provider`;
  const rowsWritten = runRows.reduce((s, r) => s + r.rows, 0);
  h.log('    verifying every stored row against the simulator…');
  const rowsCheck = await verify(sql, server);
  // Rows of a run that never succeeded are not compared: every account's run must have succeeded.
  const succeeded = runRows.find((r) => r.state === 'succeeded')?.n ?? 0;
  const check = {
    ...rowsCheck,
    runsSucceeded: succeeded,
    ok: rowsCheck.ok && succeeded === spec.accounts,
  };
  return {
    spec,
    accountsPerProvider,
    daysPerProvider: Object.fromEntries(days.map((d) => [d.provider, d.days])),
    cronCalls,
    wallSeconds,
    runs: Object.fromEntries(runRows.map((r) => [r.state, r.n])),
    rowsWritten,
    rowsPerSec: rowsWritten / wallSeconds,
    providerRequests: runRows.reduce((s, r) => s + r.requests, 0),
    peakRssMiB: mem.hwmMiB,
    rssAfterMiB: mem.rssMiB,
    serverCpuSec,
    postgresCpuSec,
    roundTrips,
    roundTripsPerRow: roundTrips / Math.max(1, rowsWritten),
    statements: stmts.total,
    statementsPerRow: stmts.total / Math.max(1, rowsWritten),
    topStatements: stmts.top,
    errors: errors.slice(0, 10),
    verify: check,
  };
}

/** The (d) rows of the results table, in run.ts's Row shape (met: null when there is no goal). */
export function insightRows(d: InsightBenchResult) {
  const n = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return [
    { metric: `(d) insights ${d.spec.accounts} accounts × ${d.spec.days} days: wall time`, measured: `${n(d.wallSeconds, 1)} s`, goal: `≤ ${INSIGHT_GOALS.wallSeconds} s`, met: d.wallSeconds <= INSIGHT_GOALS.wallSeconds },
    { metric: '(d) rows written/s', measured: `${n(d.rowsPerSec)} (${n(d.rowsWritten)} rows)`, goal: '', met: null },
    { metric: '(d) server peak RSS (VmHWM) during sync', measured: `${n(d.peakRssMiB)} MiB`, goal: `≤ ${INSIGHT_GOALS.peakRssMiB} MiB`, met: d.peakRssMiB <= INSIGHT_GOALS.peakRssMiB },
    { metric: '(d) DB round trips per row written (wire)', measured: n(d.roundTripsPerRow, 3), goal: '', met: null },
    { metric: '(d) DB statements per row written', measured: n(d.statementsPerRow, 3), goal: '', met: null },
    { metric: '(d) verified: rows equal to the simulator', measured: `${n(d.verify.rowsMatching)} / ${n(d.verify.rowsExpected)} (${n(d.verify.rowsStored)} stored; ${n(d.verify.runsSucceeded)} / ${n(d.spec.accounts)} runs succeeded)`, goal: 'every row', met: d.verify.ok },
  ];
}
