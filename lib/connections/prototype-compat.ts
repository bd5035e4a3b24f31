import 'server-only';
import { asUser, type Database } from '../db';
import { listConnections } from '../db/connections';
import { getUser } from '../db/users';
import type { Env } from '../env';
import { PROVIDER_SLUGS, type ProviderSlug } from '../providers/types';
import { refreshNow, type RefreshNowResult } from '../refresh/refresh-now';
import { disconnectConnection, type DisconnectResult } from './disconnect';
import { toStatusView, type ConnectionStatusView } from './status';

/**
 * The Python prototype's routes, served on the same lib functions as ours so its clients keep
 * working: refresh or disconnect every connection of a platform (or one, `?connection=`), and the
 * user routes. The prototype named platforms its own way; both its names and our slugs are accepted.
 */

/** The prototype's platform names that are not our slugs (it knew Amazon Ads as "amazon"). */
export const PROTOTYPE_PLATFORM_ALIASES = { amazon: 'amazon-ads', twitter: 'x', facebook: 'meta' } as const satisfies Record<string, ProviderSlug>;
export const PROTOTYPE_PLATFORMS = [...PROVIDER_SLUGS, ...(Object.keys(PROTOTYPE_PLATFORM_ALIASES) as (keyof typeof PROTOTYPE_PLATFORM_ALIASES)[])];

export function resolvePlatform(name: string): ProviderSlug | null {
  if ((PROVIDER_SLUGS as readonly string[]).includes(name)) return name as ProviderSlug;
  return Object.hasOwn(PROTOTYPE_PLATFORM_ALIASES, name) ? PROTOTYPE_PLATFORM_ALIASES[name as keyof typeof PROTOTYPE_PLATFORM_ALIASES] : null;
}

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

/** `GET /api/v1/users/me/accounts`: the connected accounts, live ones only (the prototype deleted on disconnect). */
export async function listUserAccounts(db: Database, userId: string): Promise<ConnectionStatusView[]> {
  const rows = await asUser(db, userId, (tx) => listConnections(tx, { userId }));
  return rows.filter((c) => c.status !== 'revoked').map((c) => toStatusView(c));
}
