import type { Sql } from '@/lib/db/types';

/** Inserts a user and a connection directly, as the system role, for tests. */
export async function insertUser(sql: Sql, id: string): Promise<void> {
  await sql.query('insert into users (id) values ($1) on conflict do nothing', [id]);
}

export async function insertConnection(
  sql: Sql,
  params: {
    userId: string;
    provider?: string;
    externalAccountId?: string;
    accessTokenEnc?: string | null;
    refreshTokenEnc?: string | null;
  },
): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    `insert into connections (user_id, provider, external_account_id, display_name, access_token_enc,
                              refresh_token_enc, expires_at)
     values ($1, $2, $3, $3, $4, $5, now() + interval '1 hour') returning id`,
    [
      params.userId,
      params.provider ?? 'x',
      params.externalAccountId ?? `acct-${Math.random().toString(36).slice(2)}`,
      params.accessTokenEnc ?? null,
      params.refreshTokenEnc ?? null,
    ],
  );
  return row!.id;
}

/** A connection whose tokens came from the simulator (seedGrant), due for refresh right away. */
export async function insertLiveConnection(
  sql: Sql,
  params: {
    userId: string;
    provider: string;
    externalAccountId: string;
    accessTokenEnc: string;
    refreshTokenEnc: string | null;
    expiresInSec: number;
    nextAttemptInSec?: number;
    metadata?: Record<string, unknown>;
  },
): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    `insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc,
                              expires_at, next_attempt_at, metadata)
     values ($1, $2, $3, $3, $4, $5, now() + make_interval(secs => $6), now() + make_interval(secs => $7), $8::text::jsonb)
     returning id`,
    [
      params.userId,
      params.provider,
      params.externalAccountId,
      params.accessTokenEnc,
      params.refreshTokenEnc,
      params.expiresInSec,
      params.nextAttemptInSec ?? -1,
      JSON.stringify(params.metadata ?? {}),
    ],
  );
  return row!.id;
}
