import 'server-only';
import type { Sql } from './types';

/** An API key as its owner sees it: never the hash. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
}

export async function insertApiKey(
  sql: Sql,
  params: { userId: string; name: string; prefix: string; secretHash: string },
): Promise<ApiKeyRow> {
  const [row] = await sql.query<ApiKeyRow>(
    `insert into api_keys (user_id, name, prefix, secret_hash) values ($1, $2, $3, $4)
     returning id, name, prefix, created_at, last_used_at`,
    [params.userId, params.name, params.prefix, params.secretHash],
  );
  if (!row) throw new Error('insertApiKey returned no row');
  return row;
}

/** The user's live keys, newest first. Revoked keys are gone from the list (the audit keeps them). */
export async function listActiveApiKeys(sql: Sql, params: { userId: string }): Promise<ApiKeyRow[]> {
  return sql.query<ApiKeyRow>(
    `select id, name, prefix, created_at, last_used_at from api_keys
      where user_id = $1 and revoked_at is null order by created_at desc, id`,
    [params.userId],
  );
}

/** Revokes a live key; returns its prefix (to evict caches and name it in the audit), or undefined. */
export async function markApiKeyRevoked(
  sql: Sql,
  params: { userId: string; id: string },
): Promise<{ prefix: string; name: string } | undefined> {
  const [row] = await sql.query<{ prefix: string; name: string }>(
    `update api_keys set revoked_at = now() where user_id = $1 and id = $2 and revoked_at is null
     returning prefix, name`,
    [params.userId, params.id],
  );
  return row;
}

export interface ApiKeyCredentialRow {
  id: string;
  user_id: string;
  prefix: string;
  secret_hash: string;
  /** Revoked, or its user is soft-deleted: the key must not authenticate. */
  disabled: boolean;
}

/**
 * The one lookup on the token API's hot path, by the unique public prefix. Runs unscoped: the
 * caller is not known until this row says whose key it is.
 */
export async function findApiKeyByPrefix(sql: Sql, prefix: string): Promise<ApiKeyCredentialRow | undefined> {
  const [row] = await sql.query<ApiKeyCredentialRow>(
    `select k.id, k.user_id, k.prefix, k.secret_hash, (k.revoked_at is not null or u.deleted_at is not null) as disabled
       from api_keys k join users u on u.id = k.user_id
      where k.prefix = $1`,
    [prefix],
  );
  return row;
}

/** Last use for a batch of keys, written by the token API's batched flusher rather than per request. */
export async function markApiKeysUsed(sql: Sql, keyIds: readonly string[]): Promise<void> {
  if (keyIds.length === 0) return;
  await sql.query(
    `update api_keys set last_used_at = now() where id::text = any($1::text[])`,
    [keyIds],
  );
}
