import type { Sql } from '@/lib/db/types';

/** x, linkedin and meta in turn: the g-th connection's provider unless one is given. */
const PROVIDERS = ['x', 'linkedin', 'meta'];

/**
 * `count` connections of one user in one statement, so they share one created_at (the ties paged
 * reads must order by id). External account ids are `${prefix}1` … `${prefix}${count}`. Without
 * `withRefreshToken`, a connection has none and expires in an hour; with it, a refresh token
 * ('enc', never decrypted) and 50 days to expiry.
 */
export async function insertConnectionSeries(
  sql: Sql,
  params: {
    userId: string;
    count: number;
    prefix: string;
    /** The g-th's display name (null: unnamed). */
    name: (g: number) => string | null;
    provider?: string;
    /** Every this-many-th connection is revoked. */
    revokedEvery?: number;
    withRefreshToken?: boolean;
  },
): Promise<void> {
  const g = Array.from({ length: params.count }, (_, i) => i + 1);
  await sql.query(
    `insert into connections (user_id, provider, external_account_id, display_name, status, expires_at, refresh_token_enc)
     select $1, provider, external_account_id, display_name, status,
            now() + case when $6 then interval '50 days' else interval '1 hour' end, case when $6 then 'enc' end
       from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as s(provider, external_account_id, display_name, status)`,
    [
      params.userId,
      g.map((n) => params.provider ?? PROVIDERS[n % PROVIDERS.length]!),
      g.map((n) => `${params.prefix}${n}`),
      g.map(params.name),
      g.map((n) => (params.revokedEvery && n % params.revokedEvery === 0 ? 'revoked' : 'active')),
      params.withRefreshToken ?? false,
    ],
  );
}

/**
 * `perConnection` sync targets on every connection in the database, in one statement: ad account
 * ids `${externalAccountId}-1` … `-${perConnection}`, named by `name` (null: unnamed).
 */
export async function insertSyncTargetsForAll(
  sql: Sql,
  perConnection: number,
  name: (externalAccountId: string, n: number) => string | null,
): Promise<void> {
  const connections = await sql.query<{ id: string; user_id: string; provider: string; external_account_id: string }>(
    'select id, user_id, provider, external_account_id from connections',
  );
  const targets = connections.flatMap((c) => Array.from({ length: perConnection }, (_, i) => ({ ...c, n: i + 1 })));
  await sql.query(
    `insert into insight_sync_targets (user_id, connection_id, provider, account_id, account_name)
     select * from unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[])`,
    [
      targets.map((t) => t.user_id),
      targets.map((t) => t.id),
      targets.map((t) => t.provider),
      targets.map((t) => `${t.external_account_id}-${t.n}`),
      targets.map((t) => name(t.external_account_id, t.n)),
    ],
  );
}
