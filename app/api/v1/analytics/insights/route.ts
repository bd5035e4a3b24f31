import { NextResponse, type NextRequest } from 'next/server';
import { authenticateApiKey } from '@/lib/api-keys/authenticate';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { toCsv } from '@/lib/insights/csv';
import { readInsights } from '@/lib/insights/query';
import { respond } from '@/lib/http/respond';
import { insightsQuerySchema, insightsResponseSchema } from '@/lib/api-schemas/analytics';

export const dynamic = 'force-dynamic';

/** Daily campaign metrics for the signed-in user or an API key (`Authorization: Bearer gk_…`), JSON or CSV. */
export async function GET(req: NextRequest) {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const db = await getDb();
  const authorization = req.headers.get('authorization');
  const userId = authorization ? (await authenticateApiKey(db, authorization))?.userId : (await getSessionUser())?.id;
  if (!userId) return errorResponse('unauthenticated', 'Sign in, or send a valid API key: Authorization: Bearer gk_…', requestId);
  const q = insightsQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) return errorResponse('bad_request', q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '), requestId);
  const result = await readInsights(db, userId, q.data);
  if (q.data.format === 'csv') {
    return new NextResponse(toCsv(result.rows), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="insights-${q.data.from}-${q.data.to}.csv"`,
        'cache-control': 'no-store',
      },
    });
  }
  return respond(insightsResponseSchema, { ...q.data, format: 'json', ...result }, { headers: { 'cache-control': 'no-store' } });
}
