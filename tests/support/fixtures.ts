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
