import 'server-only';
import { z } from 'zod';
import { backfillSchema, insightsQuerySchema } from '../insights/query';
import { errorBodySchema, timestamp } from './common';
import { nextCursor, pageQuery, prevCursor } from './paging';

/** Campaign insights: sync status and history, sync now, and the metrics themselves. */

export { backfillSchema, insightsQuerySchema };

export const connectionIdParams = z.object({ connectionId: z.uuid() });

export const syncHistoryQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20), after: z.uuid().optional().describe("The previous page's `next`.") })
  .strict();

const progress = z.object({ daysDone: z.int(), daysTotal: z.int() });

const syncTarget = z.object({
  id: z.uuid(),
  connectionId: z.uuid(),
  provider: z.string(),
  accountId: z.string(),
  accountName: z.string().nullable(),
  currency: z.string().nullable(),
  state: z
    .enum(['syncing', 'deferred', 'idle', 'failed', 'reconnect', 'resuming', 'disabled'])
    .describe('`reconnect`: the grant is dead; `resuming`: the last run died with the grant, which has been renewed since, so the next run syncs.'),
  skipReason: z.string().nullable(),
  lastSuccessAt: timestamp.nullable(),
  nextRunAt: timestamp.nullable(),
  progress: progress.nullable(),
  lastRun: z
    .object({
      id: z.uuid(),
      state: z.string().nullable(),
      trigger: z.string().nullable(),
      rowsWritten: z.int().nullable(),
      errorCode: z.string().nullable(),
      errorMessage: z.string().nullable(),
      finishedAt: timestamp.nullable(),
    })
    .nullable(),
});

export const syncStatusSchema = z.object({
  targets: z.array(syncTarget),
  last7Days: z.array(z.object({ provider: z.string(), succeeded: z.int(), failed: z.int() })),
});

/** As many connections as a dashboard page of cards holds, with room to spare; a longer list is refused, not cut. */
export const SYNC_STATUS_CONNECTIONS_MAX = 100;

/** Every target a page at a time, by the same cursors as the status API; `connection_id` narrows to some connections. */
export const syncStatusQuery = pageQuery.extend({
  connection_id: z
    .string()
    .max(SYNC_STATUS_CONNECTIONS_MAX * 37)
    .transform((s) => (s === '' ? [] : s.split(',')))
    .pipe(z.array(z.uuid()).max(SYNC_STATUS_CONNECTIONS_MAX))
    .optional()
    .describe(
      `Comma-separated connection ids (at most ${SYNC_STATUS_CONNECTIONS_MAX}): only their targets, e.g. the cards on one page of the dashboard. Empty: no targets, only the summary.`,
    ),
});
export const syncStatusPageSchema = syncStatusSchema.extend({
  targets: z.array(syncTarget).describe('In list order: provider, account name (unnamed last), account id.'),
  last7Days: syncStatusSchema.shape.last7Days.describe('Per provider, over all targets (the same on every page).'),
  targetCount: z.int().describe("How many targets the user's live connections have in all, whatever the filter or page."),
  next_cursor: nextCursor,
  prev_cursor: prevCursor,
});

const syncRun = z.object({
  id: z.uuid(),
  trigger: z.enum(['scheduled', 'manual', 'backfill']),
  state: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  progress,
  rowsWritten: z.int(),
  requestsMade: z.int(),
  attempts: z.int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
});

export const syncHistorySchema = z.object({ runs: z.array(syncRun), next: z.uuid().nullable() });

export const syncQueuedSchema = z.object({ runIds: z.array(z.uuid()) });
export const syncRunningSchema = errorBodySchema(['conflict']).extend({ runId: z.uuid() });

/** Metric sums are exact decimals, sent as strings (numeric in Postgres). */
const decimal = z.string().nullable();

/**
 * One row of the insights response (granularity=day: one campaign's day). The one definition of
 * the row: lib/db/insights-metrics.ts returns it and the /insights page computes from it.
 */
export const insightsRowSchema = z.object({
  provider: z.string(),
  connection_id: z.uuid().nullable(),
  account_id: z.string(),
  campaign_id: z.string(),
  campaign_name: z.string().nullable(),
  day: z.string(),
  impressions: decimal,
  clicks: decimal,
  spend: decimal,
  conversions: decimal,
  conversion_value: decimal,
  currency: z.string().nullable(),
});
export type InsightsRow = z.infer<typeof insightsRowSchema>;

export const insightsResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  provider: z.string().optional(),
  connection: z.string().optional(),
  account: z.string().optional(),
  campaign: z.string().optional(),
  granularity: z.enum(['day', 'week', 'month']),
  format: z.literal('json'),
  rows: z.array(insightsRowSchema),
  totals: z.array(
    z.object({
      currency: z.string().nullable(),
      impressions: z.string(),
      clicks: decimal,
      spend: decimal,
      conversions: decimal,
      conversion_value: decimal,
    }),
  ),
});
