import type { NextRequest } from 'next/server';
import { userAccountsQuery, userAccountsSchema } from '@/lib/api-schemas/compat';
import { listUserAccounts } from '@/lib/connections/prototype-compat';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { sessionRoute } from '@/lib/http/session-route';

export const dynamic = 'force-dynamic';

/** The prototype's connected-accounts route: live connections, never a token; `?limit=&cursor=` pages it. Deprecated for /api/v1/oauth/status. */
async function getUserAccounts(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const q = userAccountsQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) return errorResponse('bad_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), session.requestId);
  const accounts = await listUserAccounts(await getDb(), session.user.id, q.data);
  return respond(userAccountsSchema, accounts, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getUserAccounts });
