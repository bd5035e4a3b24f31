import 'server-only';
import { z } from 'zod';
import type { Health } from '../health';
import { timestamp, type SameType } from './common';

/** The machines' routes: health, the cron sweep, Clerk's webhooks. */

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  commit: z.string().nullable(),
  database: z.object({
    status: z.enum(['up', 'down']),
    driver: z.string().optional(),
    migrations: z.object({ applied: z.int(), pending: z.array(z.string()) }).optional(),
    error: z.string().optional(),
  }),
  scheduler: z
    .object({
      mode: z.enum(['in-process', 'external']),
      intervalSec: z.number(),
      lastSweep: z
        .object({
          finishedAt: timestamp,
          trigger: z.string(),
          durationMs: z.number(),
          claimed: z.int(),
          refreshed: z.int(),
          failed: z.int(),
          needsReauth: z.int(),
          errors: z.int(),
          lastError: z.string().nullable().describe('Only for the operator (local-mode user or METRICS_TOKEN bearer); null otherwise.'),
        })
        .nullable(),
      stale: z.boolean(),
    })
    .optional(),
});

// The dashboard reads /api/health as Health (components/dashboard/queries.ts).
export const healthMatchesSchema: SameType<z.output<typeof healthSchema>, Health> = true;

export const sweepSummarySchema = z.object({
  owner: z.string(),
  trigger: z.enum(['cron', 'scheduler', 'manual', 'test']),
  startedAt: timestamp,
  durationMs: z.number(),
  claimed: z.int(),
  refreshed: z.int(),
  failed: z.int(),
  needsReauth: z.int(),
  warned: z.int(),
  deliveries: z.int(),
  released: z.int().describe('Connections given back unprocessed because the time budget ran out.'),
  errors: z.array(z.string()),
  insights: z
    .object({
      targetsRefreshed: z.int(),
      queued: z.int(),
      advanced: z.int(),
      outcomes: z.record(z.string(), z.int()),
      errors: z.array(z.string()),
    })
    .optional(),
});

export const clerkWebhookResultSchema = z.object({ received: z.literal(true), handled: z.string() });
