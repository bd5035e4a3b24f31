/** The vocabulary of the insights sync, shared by the engine, the provider fetchers and the queries. */

export const INSIGHT_PROVIDERS = ['amazon-ads', 'linkedin', 'meta', 'x'] as const;
export type InsightProvider = (typeof INSIGHT_PROVIDERS)[number];

/** A calendar day, `YYYY-MM-DD`, in the account's time zone (LinkedIn: UTC). */
export type Day = string;

export interface DayRange {
  from: Day;
  to: Day;
}

/**
 * One campaign's figures for one day, exactly as the provider reported them: counts as integers,
 * money and conversions as decimal strings (never floats, never summed across currencies).
 * `null` means the provider has no such figure (X organic posts have no spend or clicks).
 */
export interface InsightRow {
  campaignId: string;
  campaignName?: string | null;
  campaignStatus?: string | null;
  day: Day;
  impressions: number | null;
  clicks: number | null;
  spend: string | null;
  conversions: string | null;
  conversionValue: string | null;
  currency: string | null;
  raw: Record<string, unknown>;
}

/** An ad account being synced. */
export interface SyncTarget {
  id: string;
  userId: string;
  connectionId: string;
  provider: InsightProvider;
  accountId: string;
  accountName: string | null;
  region: string | null;
  currency: string | null;
  timeZone: string;
}

export const RUN_STATES = ['queued', 'requesting', 'waiting', 'downloading', 'writing', 'succeeded', 'failed', 'deferred'] as const;
export type RunState = (typeof RUN_STATES)[number];
export const FINISHED_STATES: readonly RunState[] = ['succeeded', 'failed'];

export type RunTrigger = 'scheduled' | 'manual' | 'backfill';
