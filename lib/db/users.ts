import 'server-only';
import { recordAuditEvent } from './audit';
import type { Sql } from './types';

export interface UserRow {
  id: string;
  email: string | null;
  display_name: string | null;
  created_at: Date;
  deleted_at: Date | null;
}

export interface UserProfile {
  id: string;
  email?: string | null;
  displayName?: string | null;
}

/** Creates the user on first sight; returns the row (which may be soft-deleted). */
export async function ensureUser(sql: Sql, user: UserProfile): Promise<UserRow> {
  const [row] = await sql.query<UserRow>(
    `insert into users (id, email, display_name) values ($1, $2, $3)
     on conflict (id) do update set id = excluded.id
     returning id, email, display_name, created_at, deleted_at`,
    [user.id, user.email ?? null, user.displayName ?? null],
  );
  if (!row) throw new Error('ensureUser returned no row');
  return row;
}

/** Clerk `user.created` / `user.updated`: insert or update, and audit the change. Run in a transaction. */
export async function upsertUser(tx: Sql, user: UserProfile, requestId?: string): Promise<void> {
  const [row] = await tx.query<{ inserted: boolean }>(
    `insert into users (id, email, display_name) values ($1, $2, $3)
     on conflict (id) do update
       set email = excluded.email, display_name = excluded.display_name, updated_at = now()
     returning (xmax = 0) as inserted`,
    [user.id, user.email ?? null, user.displayName ?? null],
  );
  await recordAuditEvent(tx, {
    userId: user.id,
    actor: 'system',
    action: row?.inserted ? 'user.created' : 'user.updated',
    outcome: 'success',
    detail: { source: 'clerk_webhook' },
    requestId,
  });
}

/**
 * Clerk `user.deleted`: the user is soft-deleted and every stored token is erased at once, in the
 * same transaction as its audit event (run this in one). Provider-side revocation is the
 * connections module's job.
 */
export async function softDeleteUser(tx: Sql, userId: string, requestId?: string): Promise<{ erased: number }> {
  await tx.query(
    `insert into users (id, deleted_at) values ($1, now())
     on conflict (id) do update set deleted_at = coalesce(users.deleted_at, now()), updated_at = now()`,
    [userId],
  );
  const erased = await tx.query<{ id: string }>(
    `update connections
        set access_token_enc = null, refresh_token_enc = null, status = 'revoked',
            token_version = token_version + 1, updated_at = now()
      where user_id = $1 and (access_token_enc is not null or refresh_token_enc is not null or status <> 'revoked')
      returning id`,
    [userId],
  );
  await recordAuditEvent(tx, {
    userId,
    actor: 'system',
    action: 'user.deleted',
    outcome: 'success',
    detail: { source: 'clerk_webhook', connectionsErased: erased.length },
    requestId,
  });
  return { erased: erased.length };
}

export async function getUser(sql: Sql, userId: string): Promise<UserRow | undefined> {
  const [row] = await sql.query<UserRow>(
    'select id, email, display_name, created_at, deleted_at from users where id = $1',
    [userId],
  );
  return row;
}
