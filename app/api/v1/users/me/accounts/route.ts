import type { NextRequest } from 'next/server';
import { userAccountsSchema } from '@/lib/api-schemas/compat';
import { listUserAccounts } from '@/lib/connections/prototype-compat';
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';

export const dynamic = 'force-dynamic';

/** The prototype's connected-accounts route: live connections, never a token. Deprecated for /api/v1/oauth/status. */
async function getUserAccounts(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const accounts = await listUserAccounts(await getDb(), session.user.id);
  return respond(userAccountsSchema, { accounts }, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getUserAccounts });
