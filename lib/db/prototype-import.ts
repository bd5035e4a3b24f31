import 'server-only';
import { sanitizeDetail } from './audit';
import type { Sql } from './types';

/** Grantkeeper's side of `npm run import:prototype`: what is already here, and the writes. */

export async function readImportLedger(sql: Sql): Promise<Map<string, string | null>> {
  const rows = await sql.query<{ source_table: string; source_id: string; target_id: string | null }>(
    'select source_table, source_id, target_id from prototype_imports',
  );
  return new Map(rows.map((r) => [`${r.source_table}:${r.source_id}`, r.target_id]));
}

export async function readExistingUsers(sql: Sql, ids: string[]): Promise<Map<string, { deleted: boolean }>> {
  const rows = await sql.query<{ id: string; deleted: boolean }>(
    'select id, deleted_at is not null as deleted from users where id = any($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { deleted: r.deleted }]));
}

/** `${userId}|${provider}|${externalAccountId}` of the given users' connections. */
export async function readExistingConnectionKeys(sql: Sql, userIds: string[]): Promise<Set<string>> {
  const rows = await sql.query<{ key: string }>(
    `select user_id || '|' || provider || '|' || external_account_id as key from connections where user_id = any($1::text[])`,
    [userIds],
  );
  return new Set(rows.map((r) => r.key));
}

export async function recordImported(tx: Sql, table: string, sourceId: string, targetId: string | null): Promise<void> {
  await tx.query(
    `insert into prototype_imports (source_table, source_id, target_id) values ($1, $2, $3)
     on conflict (source_table, source_id) do nothing`,
    [table, sourceId, targetId],
  );
}

/** A user who signed in to Grantkeeper before the import keeps their row as it is. */
export async function insertImportedUser(
  tx: Sql,
  user: { id: string; email: string | null; createdAt: Date | null; updatedAt: Date | null },
): Promise<boolean> {
  const rows = await tx.query(
    `insert into users (id, email, created_at, updated_at)
     values ($1, $2, coalesce($3::timestamptz, now()), coalesce($4::timestamptz, $3::timestamptz, now()))
     on conflict (id) do nothing returning 1`,
    [user.id, user.email, user.createdAt, user.updatedAt],
  );
  return rows.length === 1;
}

export interface ImportedConnection {
  userId: string;
  provider: string;
  externalAccountId: string;
  displayName: string;
  scopes: string[];
  accessTokenEnc: string | null;
  refreshTokenEnc: string;
  expiresAt: Date | null;
  metadata: Record<string, unknown>;
  createdAt: Date | null;
}

/**
 * Inserts the connection due at once (next_attempt_at = now), so the next sweep refreshes it and
 * learns whether the grant still lives; an unknown expiry counts as expired. Returns null when
 * Grantkeeper already has this account for the user: that grant is newer, and is kept.
 */
export async function insertImportedConnection(tx: Sql, c: ImportedConnection): Promise<string | null> {
  const [row] = await tx.query<{ id: string }>(
    `insert into connections (user_id, provider, external_account_id, display_name, scopes, status,
        access_token_enc, refresh_token_enc, expires_at, metadata, next_attempt_at, created_at)
     values ($1, $2, $3, $4, $5::text[], 'active', $6, $7, coalesce($8::timestamptz, now()), $9::text::jsonb, now(),
        coalesce($10::timestamptz, now()))
     on conflict (user_id, provider, external_account_id) do nothing
     returning id`,
    [
      c.userId,
      c.provider,
      c.externalAccountId,
      c.displayName,
      c.scopes,
      c.accessTokenEnc,
      c.refreshTokenEnc,
      c.expiresAt,
      JSON.stringify(c.metadata),
      c.createdAt,
    ],
  );
  return row?.id ?? null;
}

/** One line of the prototype's history, at its original time, through the same secret filter as every audit row. */
export async function insertImportedAuditEvent(
  tx: Sql,
  e: { userId: string | null; connectionId: string | null; action: string; outcome: string; detail: Record<string, unknown>; createdAt: Date | null },
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into audit_events (user_id, connection_id, actor, action, outcome, detail, created_at)
     values ($1, $2, 'system', $3, $4, $5::text::jsonb, coalesce($6::timestamptz, now())) returning id::text`,
    [e.userId, e.connectionId, e.action, e.outcome, JSON.stringify(sanitizeDetail(e.detail)), e.createdAt],
  );
  return row!.id;
}
