import 'server-only';
import { z } from 'zod';
import {
  backfillSchema,
  connectionIdParams,
  insightsQuerySchema,
  insightsResponseSchema,
  syncHistoryQuery,
  syncHistorySchema,
  syncQueuedSchema,
  syncRunningSchema,
  syncStatusPageSchema,
  syncStatusQuery,
  syncStatusSchema,
} from '../../api-schemas/analytics';
import { AUDIT_QUERY_FIELDS } from '@/components/audit/audit-query';
import { operation } from '../types';

const TAG = 'Campaign insights';

export const analyticsOperations = [
  operation({
    method: 'get',
    path: '/api/v1/analytics/sync-status',
    tag: TAG,
    summary: 'Sync state of every target, a page at a time',
    description:
      'Per ad account: state, last success, next run, progress; per provider the runs of the last 7 days. ' +
      'A page at a time, by cursor, as `GET /api/v1/oauth/status`: up to `limit` targets (100 unless asked), and `next_cursor` for the rest (null when there is none).',
    auth: ['session'],
    query: syncStatusQuery,
    responses: { 200: { description: 'One page of sync targets.', schema: syncStatusPageSchema } },
    errors: ['unauthenticated', 'bad_request'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/analytics/sync-status/{connectionId}',
    tag: TAG,
    summary: "One connection's sync state",
    auth: ['session'],
    params: connectionIdParams,
    responses: { 200: { description: "The connection's targets.", schema: syncStatusSchema } },
    errors: ['unauthenticated', 'not_found'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/analytics/sync-history/{connectionId}',
    tag: TAG,
    summary: "A connection's sync runs, newest first",
    auth: ['session'],
    params: connectionIdParams,
    query: syncHistoryQuery,
    responses: { 200: { description: 'One page; `next` is the cursor of the following one.', schema: syncHistorySchema } },
    errors: ['unauthenticated', 'not_found', 'bad_request'],
  }),
  operation({
    method: 'post',
    path: '/api/v1/analytics/sync/{connectionId}',
    tag: TAG,
    summary: 'Sync now, or backfill a range',
    description:
      'An empty body syncs the usual window; `{ "from", "to" }` backfills those days, cut to what the provider still keeps ' +
      '(Amazon Ads: 60 days) and to today. A range with none of its days left answers 400 `bad_request` and queues nothing.',
    auth: ['session'],
    params: connectionIdParams,
    body: backfillSchema.optional(),
    responses: {
      202: { description: 'Queued; it starts at once.', schema: syncQueuedSchema },
      409: { description: 'A sync of this connection is already running.', schema: syncRunningSchema },
    },
    errors: ['unauthenticated', 'forbidden', 'not_found', 'bad_request', 'not_configured'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/analytics/insights',
    tag: TAG,
    summary: 'Daily campaign metrics',
    description: 'Filtered, summed per day, week or month, in each account’s currency (totals per currency). `format=csv` answers a CSV file.',
    auth: ['session', 'apiKey'],
    query: insightsQuerySchema,
    responses: { 200: { description: 'The metrics.', schema: insightsResponseSchema, contentType: 'text/csv' } },
    errors: ['unauthenticated', 'bad_request'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/audit/export',
    tag: 'Audit log',
    summary: 'The audit log as CSV',
    description:
      'Every event the filters match, newest first, at most 10 000; `X-Audit-Truncated: true` when more matched. ' +
      'Malformed filters are ignored, as on the audit page. At most 10 exports a minute per user (RATE_LIMIT_AUDIT_EXPORT): ' +
      'then 429 with Retry-After; RateLimit-Policy and RateLimit say where the user stands.',
    auth: ['session'],
    query: z.object(AUDIT_QUERY_FIELDS).omit({ before: true, after: true }).partial(),
    responses: {
      200: {
        description: 'The CSV file.',
        contentType: 'text/csv',
        headers: {
          'x-audit-rows': 'Rows in the file.',
          'x-audit-truncated': 'More matched.',
          'ratelimit-policy': 'The per-user export quota.',
          ratelimit: 'What is left of it.',
        },
      },
    },
    errors: ['unauthenticated', 'rate_limited'],
  }),
];
