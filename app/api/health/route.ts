import type { NextRequest } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { getEnv } from '@/lib/env';
import { checkHealth, healthFor, type HealthViewer } from '@/lib/health';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { bearerToken, secretsEqual } from '@/lib/http/secrets';
import { healthSchema } from '@/lib/api-schemas/system';

export const dynamic = 'force-dynamic';

/**
 * Public: status and counts for anyone; the last sweep's error text, which names connections of
 * any user, only for the operator (lib/health.ts HealthViewer): the local-mode user, or a caller
 * with the metrics token. A Clerk user sees what the public sees.
 */
async function getHealth(req: NextRequest) {
  const health = await checkHealth();
  const viewer: HealthViewer = health.status === 'down' ? 'public' : await viewerOf(req);
  return respond(healthSchema, healthFor(health, viewer), {
    status: health.status === 'down' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  });
}

async function viewerOf(req: NextRequest): Promise<HealthViewer> {
  const token = getEnv().observability.metricsToken;
  const presented = bearerToken(req.headers.get('authorization'));
  if (token && presented && secretsEqual(presented, token)) return 'operator';
  const user = await getSessionUser().catch(() => null);
  if (!user) return 'public';
  return user.mode === 'local' ? 'operator' : 'user';
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getHealth });
