import 'server-only';
import { z } from 'zod';
import { clerkWebhookResultSchema, healthSchema, sweepSummarySchema } from '../../api-schemas/system';
import { operation } from '../types';

export const systemOperations = [
  operation({
    method: 'get',
    path: '/api/health',
    tag: 'Operations',
    summary: 'Health',
    description:
      'Database, migrations, scheduler (last sweep) and version; 503 when the database is down. ' +
      "Anyone gets counts only; the operator (the local-mode user, or `Authorization: Bearer $METRICS_TOKEN`) also the last sweep's error text, which may name any user's connections. A Clerk user gets counts only.",
    auth: [],
    responses: {
      200: { description: 'Up (ok or degraded).', schema: healthSchema },
      503: { description: 'Down.', schema: healthSchema },
    },
    errors: [],
  }),
  operation({
    method: 'get',
    path: '/api/cron/refresh-tokens',
    tag: 'Operations',
    summary: 'One refresh sweep (Vercel Cron)',
    description: 'One bounded sweep of due refreshes (and insight syncs), answered with its summary.',
    auth: ['cronSecret'],
    responses: { 200: { description: "The sweep's summary.", schema: sweepSummarySchema } },
    errors: ['unauthenticated', 'not_configured'],
  }),
  operation({
    method: 'post',
    path: '/api/webhooks/clerk',
    tag: 'Operations',
    summary: "Clerk's user webhooks",
    description: 'user.created, user.updated, user.deleted; Svix-signed, applied at most once per svix-id.',
    auth: ['svix'],
    body: z.object({ type: z.string(), data: z.record(z.string(), z.unknown()) }).describe('A Clerk event, verified before it is parsed.'),
    responses: { 200: { description: 'Received.', schema: clerkWebhookResultSchema } },
    errors: ['invalid_signature', 'bad_request', 'rate_limited', 'not_configured'],
  }),
];

/** The document describes itself too: every /api/v1 route is in it. */
export const documentSchema = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

export const documentOperations = [
  operation({
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'Operations',
    summary: 'This document',
    description: 'The OpenAPI 3.1 description of every route, generated from the zod schemas the routes use. Rendered at /docs/api.',
    auth: [],
    responses: { 200: { description: 'The document.', schema: documentSchema } },
    errors: [],
  }),
];
