import type { NextRequest } from 'next/server';
import { readConnectionOverview } from '@/lib/connections/page';
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';
import { connectionOverviewSchema } from '@/lib/api-schemas/connections';

export const dynamic = 'force-dynamic';

/** How many connections per status and provider, and the ones that need a person: the dashboard's summary. */
async function getConnectionOverview(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const overview = await readConnectionOverview(await getDb(), session.user.id);
  return respond(connectionOverviewSchema, overview, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getConnectionOverview });
