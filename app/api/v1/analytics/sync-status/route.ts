import type { NextRequest } from 'next/server';
import { getDb } from '@/lib/db';
import { sessionRoute } from '@/lib/http/session-route';
import { describeSyncStatus } from '@/lib/insights/status';
import { respond } from '@/lib/http/respond';
import { syncStatusSchema } from '@/lib/api-schemas/analytics';

export const dynamic = 'force-dynamic';

/** Every sync target of the signed-in user: state, last success, next run, progress, 7-day counts. */
export async function GET(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const status = await describeSyncStatus(await getDb(), { userId: session.user.id });
  return respond(syncStatusSchema, status, { headers: { 'cache-control': 'no-store' } });
}
