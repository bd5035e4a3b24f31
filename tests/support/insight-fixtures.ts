import type { Sql } from '@/lib/db/types';

/** A sync target, one finished run, a campaign and a day of metrics for a connection, as the system role. */
export async function insertInsightRows(
  sql: Sql,
  params: { userId: string; connectionId: string; accountId: string; provider?: string },
): Promise<{ targetId: string; runId: string }> {
  const provider = params.provider ?? 'x';
  const [target] = await sql.query<{ id: string }>(
    `insert into insight_sync_targets (user_id, connection_id, provider, account_id) values ($1, $2, $3, $4) returning id`,
    [params.userId, params.connectionId, provider, params.accountId],
  );
  const [run] = await sql.query<{ id: string }>(
    `insert into insight_sync_runs (user_id, target_id, connection_id, provider, trigger, state, window_from, window_to, days_total)
     values ($1, $2, $3, $4, 'scheduled', 'succeeded', '2026-11-01', '2026-11-02', 2) returning id`,
    [params.userId, target!.id, params.connectionId, provider],
  );
  await sql.query(
    `insert into insight_campaigns (user_id, provider, account_id, campaign_id, connection_id, name)
     values ($1, $2, $3, 'c-1', $4, $3)`,
    [params.userId, provider, params.accountId, params.connectionId],
  );
  await sql.query(
    `insert into insight_daily_metrics (user_id, provider, connection_id, account_id, campaign_id, day, impressions, spend, currency)
     values ($1, $2, $3, $4, 'c-1', '2026-11-01', 100, 1.5, 'USD')`,
    [params.userId, provider, params.connectionId, params.accountId],
  );
  return { targetId: target!.id, runId: run!.id };
}
