import type { NextRequest } from 'next/server';
import { getConnectionForUser } from '@/lib/connections/detail';
import { disconnectConnection } from '@/lib/connections/disconnect';
import { publicOrigin } from '@/lib/connections/origin';
import { FlowError } from '@/lib/connections/outcomes';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { sessionRoute } from '@/lib/http/session-route';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { connectionIdParams } from '@/lib/api-schemas/common';
import { connectionStatusSchema, disconnectResultSchema } from '@/lib/api-schemas/connections';

export const dynamic = 'force-dynamic';

/** One connection and its health, never a token: a connection's page polls it (the list holds only a page). */
async function readConnection(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const id = connectionIdParams.safeParse(await ctx.params);
  const connection = id.success ? await getConnectionForUser(await getDb(), { userId: session.user.id, connectionId: id.data.id }) : null;
  if (!connection) return errorResponse('not_found', 'No such connection.', session.requestId);
  return respond(connectionStatusSchema, connection, { headers: { 'cache-control': 'no-store' } });
}

/** Disconnect: revoke at the provider where possible, erase both tokens, audit. */
async function disconnect(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const id = connectionIdParams.safeParse(await ctx.params);
  if (!id.success) return errorResponse('not_found', 'No such connection.', requestId);
  const env = getEnv();
  try {
    const result = await disconnectConnection({
      db: await getDb(),
      env,
      userId: user.id,
      connectionId: id.data.id,
      origin: publicOrigin(env, req),
      requestId,
    });
    return respond(disconnectResultSchema, { status: 'revoked', ...result });
  } catch (err) {
    if (err instanceof FlowError && err.outcome === 'not_found') return errorResponse('not_found', 'No such connection.', requestId);
    throw err;
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: readConnection, DELETE: disconnect });
