import 'server-only';
import type { InsightsRow } from '../api-schemas/analytics';
import type { CampaignInfo } from '../insights/fetcher';
import type { InsightRow } from '../insights/types';
import type { Sql } from './types';

/**
 * Daily campaign metrics. Writes are one statement per chunk (jsonb_to_recordset) and idempotent:
 * the key is (user, provider, account, campaign, day), and a re-sync replaces the figures, which
 * is how restatements land. Money stays numeric end to end; totals are per currency.
 */

export interface MetricsBatch {
  userId: string;
  provider: string;
  connectionId: string;
  accountId: string;
  rows: InsightRow[];
}

/** Upserts the rows and their campaigns; returns how many metric rows were written. */
export async function upsertDailyMetrics(sql: Sql, batch: MetricsBatch): Promise<number> {
  if (batch.rows.length === 0) return 0;
  const [result] = await sql.query<{ written: number }>(
    `with input as (
       select * from jsonb_to_recordset($5::text::jsonb) as r(
         "campaignId" text, "campaignName" text, "campaignStatus" text, day date, impressions bigint, clicks bigint,
         spend numeric, conversions numeric, "conversionValue" numeric, currency text, raw jsonb)
     ), campaigns as (
       insert into insight_campaigns (user_id, provider, account_id, campaign_id, connection_id, name, status)
       select distinct on ("campaignId") $1, $2, $4, "campaignId", $3::uuid, "campaignName", "campaignStatus"
         from input order by "campaignId", day desc
       on conflict (user_id, provider, account_id, campaign_id) do update set
         name = coalesce(excluded.name, insight_campaigns.name), status = coalesce(excluded.status, insight_campaigns.status),
         connection_id = excluded.connection_id, updated_at = now()
       returning 1
     ), written as (
       insert into insight_daily_metrics (user_id, provider, connection_id, account_id, campaign_id, day, impressions, clicks,
                                          spend, conversions, conversion_value, currency, raw, synced_at)
       select $1, $2, $3::uuid, $4, "campaignId", day, impressions, clicks, spend, conversions, "conversionValue", currency,
              coalesce(raw, '{}'::jsonb), now()
         from input
       on conflict (user_id, provider, account_id, campaign_id, day) do update set
         connection_id = excluded.connection_id, impressions = excluded.impressions, clicks = excluded.clicks,
         spend = excluded.spend, conversions = excluded.conversions, conversion_value = excluded.conversion_value,
         currency = excluded.currency, raw = excluded.raw, synced_at = excluded.synced_at
       returning 1
     )
     select (select count(*) from written)::int as written`,
    [batch.userId, batch.provider, batch.connectionId, batch.accountId, JSON.stringify(batch.rows)],
  );
  return result?.written ?? 0;
}

/**
 * The account's campaigns as the provider lists them (LinkedIn: adCampaigns search), with or
 * without figures: names and statuses replace the stored ones. One statement for the whole list.
 */
export async function upsertCampaigns(
  sql: Sql,
  batch: { userId: string; provider: string; connectionId: string; accountId: string; campaigns: CampaignInfo[] },
): Promise<number> {
  if (batch.campaigns.length === 0) return 0;
  const [result] = await sql.query<{ written: number }>(
    `with input as (
       select distinct on ("campaignId") * from jsonb_to_recordset($5::text::jsonb) as c("campaignId" text, name text, status text)
     ), written as (
       insert into insight_campaigns (user_id, provider, account_id, campaign_id, connection_id, name, status)
       select $1, $2, $4, "campaignId", $3::uuid, name, status from input
       on conflict (user_id, provider, account_id, campaign_id) do update set
         name = coalesce(excluded.name, insight_campaigns.name), status = coalesce(excluded.status, insight_campaigns.status),
         connection_id = excluded.connection_id, updated_at = now()
       returning 1
     )
     select (select count(*) from written)::int as written`,
    [batch.userId, batch.provider, batch.connectionId, batch.accountId, JSON.stringify(batch.campaigns)],
  );
  return result?.written ?? 0;
}

export interface InsightFilter {
  userId: string;
  from: string;
  to: string;
  provider?: string;
  connectionId?: string;
  accountId?: string;
  campaignId?: string;
}

/** A row as the insights API sends it (lib/api-schemas/analytics.ts defines the shape once). */
export type MetricRow = InsightsRow;

const FILTER = `m.user_id = $1 and m.day between $2::date and $3::date
  and ($4::text is null or m.provider = $4) and ($5::uuid is null or m.connection_id = $5)
  and ($6::text is null or m.account_id = $6) and ($7::text is null or m.campaign_id = $7)`;

const filterParams = (f: InsightFilter) => [
  f.userId,
  f.from,
  f.to,
  f.provider ?? null,
  f.connectionId ?? null,
  f.accountId ?? null,
  f.campaignId ?? null,
];

export type Granularity = 'day' | 'week' | 'month';

/**
 * Rows for the filter per campaign and period (day, ISO week from Monday, or month; `day` is the
 * period's first day), as exact text: bigint and numeric never pass through a float.
 */
export async function listDailyMetrics(sql: Sql, f: InsightFilter & { granularity?: Granularity }): Promise<MetricRow[]> {
  return sql.query<MetricRow>(
    `select m.provider, m.connection_id, m.account_id, m.campaign_id, max(c.name) as campaign_name,
            date_trunc($8, m.day::timestamp)::date::text as day,
            sum(m.impressions)::text as impressions, sum(m.clicks)::text as clicks, sum(m.spend)::text as spend,
            sum(m.conversions)::text as conversions, sum(m.conversion_value)::text as conversion_value, m.currency
       from insight_daily_metrics m
       left join insight_campaigns c
         on c.user_id = m.user_id and c.provider = m.provider and c.account_id = m.account_id and c.campaign_id = m.campaign_id
      where ${FILTER}
      group by m.provider, m.connection_id, m.account_id, m.campaign_id, 6, m.currency
      order by 6, m.provider, m.account_id, m.campaign_id`,
    [...filterParams(f), f.granularity ?? 'day'],
  );
}

export interface CurrencyTotals {
  currency: string | null;
  impressions: string;
  /** null when no row has clicks (X organic posts). */
  clicks: string | null;
  spend: string | null;
  conversions: string | null;
  conversion_value: string | null;
}

/** Totals per currency (never across currencies), summed exactly in numeric. */
export async function totalsByCurrency(sql: Sql, f: InsightFilter): Promise<CurrencyTotals[]> {
  return sql.query<CurrencyTotals>(
    `select m.currency, coalesce(sum(m.impressions), 0)::text as impressions, sum(m.clicks)::text as clicks,
            sum(m.spend)::text as spend, sum(m.conversions)::text as conversions, sum(m.conversion_value)::text as conversion_value
       from insight_daily_metrics m
      where ${FILTER}
      group by m.currency order by m.currency nulls last`,
    filterParams(f),
  );
}
