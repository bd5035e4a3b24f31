import type { NextRequest } from 'next/server';
import { platformRefreshSchema } from '@/lib/api-schemas/compat';
import { parsePlatformRequest, refreshPlatform } from '@/lib/connections/prototype-compat';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

/** The prototype's "refresh this platform": every live connection of it, or `?connection=`. Deprecated for /connections/{id}/refresh. */
async function refreshPlatformNow(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const parsed = await parsePlatformRequest(req, ctx);
  if (parsed.response) return parsed.response;
  const { input } = parsed;
  const results = await refreshPlatform(input);
  if (results.length === 0) return errorResponse('not_found', `No live ${input.provider} connection.`, input.requestId);
  const ok = results.every((r) => r.ok);
  return respond(platformRefreshSchema, { provider: input.provider, ok, results }, { status: ok ? 200 : 409, headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ POST: refreshPlatformNow });
