import type { NextRequest } from 'next/server';
import { errorResponse } from '@/lib/http/errors';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';

/**
 * Any /api path no other route claims (more specific routes always win, the simulator's
 * catch-all included): a JSON 404 in the shape of every other API error, never the HTML page.
 */

export const dynamic = 'force-dynamic';

function answerNotFound(req: NextRequest) {
  return errorResponse('not_found', 'There is no API at this path.', req.headers.get(REQUEST_ID_HEADER));
}

export { answerNotFound as GET, answerNotFound as POST, answerNotFound as PUT, answerNotFound as PATCH, answerNotFound as DELETE, answerNotFound as OPTIONS };
