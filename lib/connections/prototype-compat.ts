import 'server-only';
import type { NextRequest, NextResponse } from 'next/server';
import { ACCOUNTS_UNPAGED_CAP, platformParams, platformQuery } from '../api-schemas/compat';
import { asUser, getDb, type Database } from '../db';
import { listConnections } from '../db/connections';
import { getUser } from '../db/users';
import { getEnv, type Env } from '../env';
import { errorResponse } from '../http/errors';
import { sessionRoute } from '../http/session-route';
import type { ProviderSlug } from '../providers/types';
import { refreshNow, type RefreshNowResult } from '../refresh/refresh-now';
import { disconnectConnection, type DisconnectResult } from './disconnect';
import { readConnectionPage } from './page';
import { publicOrigin } from './origin';
import { resolvePlatform } from './platform-names';
import type { ConnectionStatusView } from './status';

/**
 * The Python prototype's routes, served on the same lib functions as ours so its clients keep
 * working: refresh or disconnect every connection of a platform (or one, `?connection=`), and the
 * user routes. The prototype named platforms its own way; both its names and our slugs are accepted.
 */

interface PlatformInput {
  db: Database;
  env: Env;
  userId: string;
  provider: ProviderSlug;
  /** Only this connection (it must be of the platform). */
  connectionId?: string;
  origin: string;
  requestId?: string | null;
  fetch?: typeof fetch;
}

/**
 * The start of both platform routes: the signed-in user, the platform (ours or the prototype's
 * name) and `?connection=`, as the input of refreshPlatform / disconnectPlatform, or the error
 * response to return (401, 404 for an unknown platform, 400 for a malformed connection id).
 */
export async function parsePlatformRequest(
  req: NextRequest,
  ctx: { params: Promise<{ provider: string }> },
): Promise<{ input: PlatformInput; response?: never } | { response: NextResponse }> {
  const session = await sessionRoute(req);
  if (session.response) return session;
  const { user, requestId } = session;
  const params = platformParams.safeParse(await ctx.params);
  const provider = params.success ? resolvePlatform(params.data.provider) : null;
  if (!provider) return { response: errorResponse('not_found', 'Unknown platform.', requestId) };
  const query = platformQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!query.success) return { response: errorResponse('bad_request', 'connection must be a connection id.', requestId) };
  const env = getEnv();
  return {
    input: { db: await getDb(), env, userId: user.id, provider, connectionId: query.data.connection, origin: publicOrigin(env, req), requestId },
  };
}

/** The user's live (not revoked) connections of one provider, or the one asked for. */
async function platformConnections(input: PlatformInput): Promise<string[]> {
  const rows = await asUser(input.db, input.userId, (tx) => listConnections(tx, { userId: input.userId }));
  return rows
    .filter((c) => c.provider === input.provider && c.status !== 'revoked' && (!input.connectionId || c.id === input.connectionId))
    .map((c) => c.id);
}

export type PlatformRefreshResult = { connectionId: string } & Exclude<RefreshNowResult, { kind: 'not_found' }>;

/** Refresh now, one connection after another (each through its lease); empty when there is none. */
export async function refreshPlatform(input: PlatformInput): Promise<PlatformRefreshResult[]> {
  const results: PlatformRefreshResult[] = [];
  for (const connectionId of await platformConnections(input)) {
    const result = await refreshNow({ ...input, connectionId });
    // Disconnected meanwhile: nothing to report for it.
    if (result.kind !== 'not_found') results.push({ connectionId, ...result });
  }
  return results;
}

export type PlatformDisconnectResult = { connectionId: string } & DisconnectResult;

/** Disconnect (revoke at the provider where possible, erase, audit) every live connection of the platform. */
export async function disconnectPlatform(input: PlatformInput): Promise<PlatformDisconnectResult[]> {
  const results: PlatformDisconnectResult[] = [];
  for (const connectionId of await platformConnections(input)) {
    results.push({ connectionId, ...(await disconnectConnection({ ...input, connectionId })) });
  }
  return results;
}

export interface PrototypeUser {
  id: string;
  email: string | null;
  displayName: string | null;
  createdAt: Date;
}

/** `GET /api/v1/users/me`: the user's row, as the prototype's clients expect a profile. */
export async function describeUser(db: Database, userId: string): Promise<PrototypeUser | null> {
  const row = await getUser(db, userId);
  if (!row || row.deleted_at) return null;
  return { id: row.id, email: row.email, displayName: row.display_name, createdAt: row.created_at };
}

export interface UserAccounts {
  accounts: ConnectionStatusView[];
  /** Present when the caller paged (`limit` or `cursor`) or the unpaged list hit the cap; null on the last page. */
  next_cursor?: string | null;
}

/**
 * `GET /api/v1/users/me/accounts`: the connected accounts, live ones only (the prototype deleted on
 * disconnect), in the status API's order, a keyset page at a time when asked (`limit`, `cursor`).
 */
export async function listUserAccounts(db: Database, userId: string, q: { limit?: number; cursor?: string } = {}): Promise<UserAccounts> {
  const page = await readConnectionPage(db, userId, { limit: q.limit ?? ACCOUNTS_UNPAGED_CAP, cursor: q.cursor, live: true });
  const paged = q.limit !== undefined || q.cursor !== undefined;
  return paged || page.nextCursor ? { accounts: page.connections, next_cursor: page.nextCursor } : { accounts: page.connections };
}
