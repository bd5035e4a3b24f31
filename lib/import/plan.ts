import 'server-only';
import type { SourceRow } from '../db/prototype-source';
import { latestTokens, tokenRef, type TokenRef } from './latest-tokens';
import type { SourceTable } from './mapping';
import { SKIP } from './skip-reasons';
import { date, isInactive, list, object, str } from './values';

export { SKIP };
export type { TokenRef };

/**
 * Decides, without writing anything, what each prototype row becomes: imported, or skipped with
 * a reason. The dry run prints this plan; the real run writes it.
 */

export interface TableTally {
  found: number;
  imported: number;
  /** reason → source ids */
  skipped: Map<string, string[]>;
}

export interface PlannedUser {
  sourceId: string;
  id: string;
  email: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** Already a Grantkeeper user (signed in before the import): left as it is. */
  exists: boolean;
}

export interface PlannedConnection {
  sourceId: string;
  userId: string;
  provider: string;
  externalAccountId: string;
  displayName: string;
  region: string | null;
  scopes: string[];
  metadata: Record<string, unknown> | null;
  expiresAt: Date | null;
  createdAt: Date | null;
  accessToken: TokenRef | null;
  refreshToken: TokenRef;
  /** encrypted_tokens rows this connection absorbs */
  tokenRowIds: string[];
}

export interface PlannedAuditEvent {
  sourceId: string;
  userId: string | null;
  /** A connection imported earlier (its id), or an account imported in this run (its source id). */
  connection: { id: string } | { accountSourceId: string } | null;
  action: string;
  outcome: string | null;
  details: unknown;
  createdAt: Date | null;
}

export interface ImportPlan {
  users: PlannedUser[];
  connections: PlannedConnection[];
  auditEvents: PlannedAuditEvent[];
  tallies: Record<SourceTable, TableTally>;
}

export interface PlanInput {
  rows: Partial<Record<SourceTable, SourceRow[]>>;
  platforms: Record<string, string>;
  /** `${table}:${sourceId}` → target id, from earlier runs */
  ledger: Map<string, string | null>;
  /** Grantkeeper users by id, and whether they are soft-deleted */
  existingUsers: Map<string, { deleted: boolean }>;
  /** `${userId}|${provider}|${externalAccountId}` of connections Grantkeeper already has */
  existingConnections: Set<string>;
}

export function planImport(input: PlanInput): ImportPlan {
  const tallies = Object.fromEntries(
    (['users', 'user_accounts', 'encrypted_tokens', 'audit_logs'] as const).map((t) => [
      t,
      { found: input.rows[t]?.length ?? 0, imported: 0, skipped: new Map<string, string[]>() },
    ]),
  ) as Record<SourceTable, TableTally>;
  const skip = (table: SourceTable, id: string, reason: string) => {
    const ids = tallies[table].skipped.get(reason) ?? [];
    ids.push(id);
    tallies[table].skipped.set(reason, ids);
  };
  const imported = (table: SourceTable, id: string) => input.ledger.has(`${table}:${id}`);

  // Users: prototype id → Clerk id, for every user whose accounts and history may come over.
  const users: PlannedUser[] = [];
  const clerkIds = new Map<string, string>();
  for (const row of input.rows.users ?? []) {
    const id = str(row.id)!;
    const clerkId = str(row.clerkUserId);
    const here = clerkId ? input.existingUsers.get(clerkId) : undefined;
    if (!clerkId) skip('users', id, SKIP.noClerkId);
    else if (row.deletedAt) skip('users', id, SKIP.userDeletedThere);
    else if (here?.deleted) skip('users', id, SKIP.userDeletedHere);
    else {
      clerkIds.set(id, clerkId);
      if (imported('users', id)) skip('users', id, SKIP.already);
      else users.push({ sourceId: id, id: clerkId, email: str(row.email), createdAt: date(row.createdAt), updatedAt: date(row.updatedAt), exists: !!here });
    }
  }
  // Some prototypes key accounts and history by the Clerk id itself.
  const knownClerkIds = new Set(clerkIds.values());
  const userOf = (ref: unknown) => {
    const key = str(ref);
    if (key === null) return null;
    return clerkIds.get(key) ?? (knownClerkIds.has(key) ? key : null);
  };

  const tokens = latestTokens(input.rows.encrypted_tokens ?? [], skip);
  const connections: PlannedConnection[] = [];
  const accountIds = new Set<string>();
  for (const row of input.rows.user_accounts ?? []) {
    const id = str(row.id)!;
    const userId = userOf(row.userId);
    const provider = input.platforms[(str(row.platform) ?? 'amazon').toLowerCase()];
    const own = tokens.get(id);
    const access = own?.access ?? tokenRef(row.accessToken, id, 'accessToken');
    const refresh = own?.refresh ?? tokenRef(row.refreshToken, id, 'refreshToken');
    const external = str(row.externalAccountId);
    let reason: string | null = null;
    if (imported('user_accounts', id)) reason = SKIP.already;
    else if (!userId) reason = SKIP.noUser;
    else if (row.deletedAt || isInactive(row.active)) reason = SKIP.inactive;
    else if (!provider || !external) reason = SKIP.platform;
    else if (!refresh) reason = SKIP.noRefreshToken;
    else if (input.existingConnections.has(`${userId}|${provider}|${external}`)) reason = SKIP.connected;
    if (reason !== null || !userId || !provider || !external || !refresh) {
      skip('user_accounts', id, reason ?? SKIP.platform);
      for (const t of own?.rows ?? []) skip('encrypted_tokens', t, reason === SKIP.already ? SKIP.already : SKIP.noAccount);
      continue;
    }
    accountIds.add(id);
    connections.push({
      sourceId: id,
      userId,
      provider,
      externalAccountId: external,
      displayName: str(row.displayName) ?? external,
      region: str(row.region)?.toLowerCase() ?? null,
      scopes: list(row.scopes),
      metadata: object(row.metadata),
      expiresAt: own?.expiresAt ?? date(row.expiresAt),
      createdAt: date(row.createdAt),
      accessToken: access,
      refreshToken: refresh,
      tokenRowIds: own?.rows ?? [],
    });
  }
  const sourceAccounts = new Set((input.rows.user_accounts ?? []).map((r) => str(r.id)));
  for (const [accountId, t] of tokens) {
    if (!sourceAccounts.has(accountId)) for (const id of t.rows) skip('encrypted_tokens', id, SKIP.noAccount);
  }

  const auditEvents: PlannedAuditEvent[] = [];
  for (const row of input.rows.audit_logs ?? []) {
    const id = str(row.id)!;
    const userRef = str(row.userId);
    const userId = userOf(row.userId);
    if (imported('audit_logs', id)) skip('audit_logs', id, SKIP.already);
    else if (userRef !== null && !userId) skip('audit_logs', id, SKIP.noUser);
    else {
      const account = str(row.accountId);
      const earlier = account === null ? undefined : input.ledger.get(`user_accounts:${account}`);
      auditEvents.push({
        sourceId: id,
        userId,
        connection: earlier ? { id: earlier } : account !== null && accountIds.has(account) ? { accountSourceId: account } : null,
        action: str(row.action)!,
        outcome: str(row.outcome),
        details: row.details ?? null,
        createdAt: date(row.createdAt),
      });
    }
  }

  tallies.users.imported = users.length;
  tallies.user_accounts.imported = connections.length;
  tallies.encrypted_tokens.imported = connections.reduce((n, c) => n + c.tokenRowIds.length, 0);
  tallies.audit_logs.imported = auditEvents.length;
  return { users, connections, auditEvents, tallies };
}
