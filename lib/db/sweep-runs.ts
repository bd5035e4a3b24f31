import 'server-only';
import type { Sql } from './types';

export interface SweepRunRecord {
  trigger: string;
  owner: string;
  startedAt: string;
  durationMs: number;
  claimed: number;
  refreshed: number;
  failed: number;
  needsReauth: number;
  warned: number;
  deliveries: number;
  errors: string[];
}

export async function insertSweepRun(sql: Sql, run: SweepRunRecord): Promise<void> {
  await sql.query(
    `insert into sweep_runs (trigger, owner, started_at, duration_ms, claimed, refreshed, failed, needs_reauth, warned, deliveries, errors)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb)`,
    [
      run.trigger,
      run.owner,
      run.startedAt,
      run.durationMs,
      run.claimed,
      run.refreshed,
      run.failed,
      run.needsReauth,
      run.warned,
      run.deliveries,
      JSON.stringify(run.errors.slice(0, 20)),
    ],
  );
  // Keep a week of history; older rows say nothing health needs.
  await sql.query(`delete from sweep_runs where finished_at < now() - interval '7 days'`);
}

export interface SweepRunRow {
  trigger: string;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  claimed: number;
  refreshed: number;
  failed: number;
  needs_reauth: number;
  warned: number;
  deliveries: number;
  errors: string[];
}

export async function latestSweepRun(sql: Sql): Promise<SweepRunRow | undefined> {
  const [row] = await sql.query<SweepRunRow>(
    `select trigger, started_at, finished_at, duration_ms, claimed, refreshed, failed, needs_reauth, warned, deliveries, errors
       from sweep_runs order by finished_at desc limit 1`,
  );
  return row;
}
