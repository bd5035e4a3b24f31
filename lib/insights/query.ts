import 'server-only';
import { z } from 'zod';
import { asUser, type Database } from '../db';
import { listDailyMetrics, totalsByCurrency, type Granularity } from '../db/insights-metrics';
import { INSIGHT_PROVIDERS } from './types';
import { daysIn } from './windows';

/** `GET /api/v1/analytics/insights`: the input, parsed with zod, and the read (as the user, RLS). */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'not a date');

export const insightsQuerySchema = z
  .object({
    from: day,
    to: day,
    provider: z.enum(INSIGHT_PROVIDERS).optional(),
    connection: z.uuid().optional(),
    account: z.string().min(1).max(200).optional(),
    campaign: z.string().min(1).max(200).optional(),
    granularity: z.enum(['day', 'week', 'month']).default('day'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => daysIn({ from: q.from, to: q.to }) <= 1_200, { message: 'at most 1200 days at once', path: ['to'] });
export type InsightsQuery = z.infer<typeof insightsQuerySchema>;

export async function readInsights(db: Database, userId: string, q: InsightsQuery) {
  const filter = {
    userId,
    from: q.from,
    to: q.to,
    provider: q.provider,
    connectionId: q.connection,
    accountId: q.account,
    campaignId: q.campaign,
  };
  return asUser(db, userId, async (tx) => ({
    rows: await listDailyMetrics(tx, { ...filter, granularity: q.granularity as Granularity }),
    // Never one total across currencies.
    totals: await totalsByCurrency(tx, filter),
  }));
}

export const backfillSchema = z
  .object({ from: day, to: day })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] });
