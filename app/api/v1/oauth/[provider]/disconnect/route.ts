import type { NextRequest } from 'next/server';
import { platformDisconnectSchema } from '@/lib/api-schemas/compat';
import { disconnectPlatform, parsePlatformRequest } from '@/lib/connections/prototype-compat';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

/** The prototype's "disconnect this platform": every live connection of it, or `?connection=`. Deprecated for DELETE /connections/{id}. */
async function disconnectPlatformNow(req: NextRequest, ctx: { params: Promise<{ provider: string }> }) {
  const parsed = await parsePlatformRequest(req, ctx);
  if (parsed.response) return parsed.response;
  const { input } = parsed;
  const results = await disconnectPlatform(input);
  if (results.length === 0) return errorResponse('not_found', `No live ${input.provider} connection.`, input.requestId);
  return respond(platformDisconnectSchema, { provider: input.provider, results }, { headers: { 'cache-control': 'no-store' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ DELETE: disconnectPlatformNow });
