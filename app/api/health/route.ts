import { getSessionUser } from '@/lib/auth/session';
import { checkHealth, publicHealth } from '@/lib/health';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { healthSchema } from '@/lib/api-schemas/system';

export const dynamic = 'force-dynamic';

/** Public: status and counts for anyone; the last sweep's error text only for a signed-in user. */
async function getHealth() {
  const health = await checkHealth();
  const signedIn = health.status !== 'down' && (await getSessionUser().catch(() => null)) !== null;
  return respond(healthSchema, signedIn ? health : publicHealth(health), {
    status: health.status === 'down' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getHealth });
