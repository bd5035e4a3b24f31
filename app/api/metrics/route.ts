import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { bearerToken, secretsEqual } from '@/lib/http/secrets';
import { METRICS_CONTENT_TYPE, renderMetrics } from '@/lib/metrics/scrape';

export const dynamic = 'force-dynamic';

/**
 * Prometheus scrape target, `Authorization: Bearer $METRICS_TOKEN`. Without METRICS_TOKEN the
 * route does not exist (404, like any unknown path): nothing tells a prober that metrics could be
 * switched on, and counts of connections are never public.
 */
const notFound = (req: Request) => errorResponse('not_found', 'There is no API at this path.', req.headers.get(REQUEST_ID_HEADER));

async function getMetricsText(req: NextRequest) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const token = getEnv().observability.metricsToken;
  if (!token) return notFound(req);
  const presented = bearerToken(req.headers.get('authorization'));
  if (!presented || !secretsEqual(presented, token)) {
    const res = errorResponse('unauthenticated', 'A valid metrics token is required: Authorization: Bearer <METRICS_TOKEN>.', requestId);
    res.headers.set('www-authenticate', 'Bearer realm="metrics"');
    return res;
  }
  const body = await renderMetrics(getDb);
  return new Response(body, { headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' } });
}

const route = apiRoute({ GET: getMetricsText });

/** Every other method: 405 with `Allow` only once metrics are on; before that a 405 would say the path exists. */
const hiddenUnlessOn =
  (method: Exclude<keyof typeof route, 'GET'>) =>
  async (req: NextRequest): Promise<Response> =>
    getEnv().observability.metricsToken ? route[method](req) : notFound(req);

export const { GET } = route;
export const POST = hiddenUnlessOn('POST');
export const PUT = hiddenUnlessOn('PUT');
export const PATCH = hiddenUnlessOn('PATCH');
export const DELETE = hiddenUnlessOn('DELETE');
export const OPTIONS = hiddenUnlessOn('OPTIONS');
