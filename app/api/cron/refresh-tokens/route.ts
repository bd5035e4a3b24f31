import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { bearerToken, secretsEqual } from '@/lib/http/secrets';
import { requestLogger } from '@/lib/log';
import { runSweep } from '@/lib/refresh/sweep';
import { publicOrigin } from '@/lib/connections/origin';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sweepSummarySchema } from '@/lib/api-schemas/system';

export const dynamic = 'force-dynamic';
// Vercel stops the function here; the sweep's time budget (45 s by default) ends well before.
export const maxDuration = 60;

/** Vercel Cron, every minute: one bounded sweep, answered with its summary. */
async function runCronSweep(req: NextRequest) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const env = getEnv();
  if (!env.cronSecret) return errorResponse('not_configured', 'Set CRON_SECRET to enable the cron route.', requestId);
  const presented = bearerToken(req.headers.get('authorization'));
  if (!presented || !secretsEqual(presented, env.cronSecret)) {
    return errorResponse('unauthenticated', 'A valid cron secret is required.', requestId);
  }
  const summary = await runSweep(await getDb(), env, { trigger: 'cron', origin: publicOrigin(env, req) });
  requestLogger(requestId).info({ sweep: { ...summary, errors: summary.errors.length } }, 'cron sweep finished');
  return respond(sweepSummarySchema, summary, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: runCronSweep });
