import 'server-only';
import type { Sql } from './types';

/**
 * What the filter selects of /audit and /insights offer, read bounded: a user may have thousands of
 * connections and ad accounts, and a select of thousands helps nobody (nor should the page read them).
 */

export interface ConnectionChoiceRow {
  id: string;
  provider: string;
  external_account_id: string;
  display_name: string | null;
  status: string;
}

/**
 * The first `limit` connections in the dashboard's order (provider, live before revoked, name), and
 * `include` (the one the filter has chosen) wherever it sits; `more`: others exist beyond them.
 */
export async function listConnectionChoices(
  sql: Sql,
  params: { userId: string; limit: number; include?: string },
): Promise<{ rows: ConnectionChoiceRow[]; more: boolean }> {
  const rows = await sql.query<ConnectionChoiceRow & { chosen: boolean }>(
    `(select id, provider, external_account_id, display_name, status, false as chosen from connections where user_id = $1
       order by provider, (status = 'revoked'), coalesce(display_name, ''), created_at, id limit $2)
     union all
     (select id, provider, external_account_id, display_name, status, true from connections where user_id = $1 and id = $3::uuid)`,
    [params.userId, params.limit + 1, params.include ?? null],
  );
  const first = rows.filter((r) => !r.chosen);
  const listed = first.slice(0, params.limit);
  const chosen = rows.find((r) => r.chosen && !listed.some((l) => l.id === r.id));
  const strip = ({ chosen: _chosen, ...r }: ConnectionChoiceRow & { chosen: boolean }): ConnectionChoiceRow => r;
  return { rows: [...(chosen ? [chosen] : []), ...listed].map(strip), more: first.length > params.limit };
}

/** The platforms the user syncs ad accounts of (enabled targets of live connections): a handful of rows. */
export async function listSyncedProviders(sql: Sql, params: { userId: string }): Promise<string[]> {
  const rows = await sql.query<{ provider: string }>(
    `select distinct t.provider from insight_sync_targets t join connections c on c.id = t.connection_id
      where t.user_id = $1 and t.enabled and c.status <> 'revoked' order by 1`,
    [params.userId],
  );
  return rows.map((r) => r.provider);
}

export interface AccountChoiceRow {
  provider: string;
  account_id: string;
  account_name: string | null;
  currency: string | null;
}

/**
 * Ad accounts with figures on or after `since` (the oldest day the page can show), at most `limit`,
 * by provider and name; `more`: others have figures too. Accounts without figures there would only
 * ever show an empty page.
 */
export async function listAccountsWithData(
  sql: Sql,
  params: { userId: string; since: string; limit: number },
): Promise<{ rows: AccountChoiceRow[]; more: boolean }> {
  const rows = await sql.query<AccountChoiceRow>(
    `select t.provider, t.account_id, max(t.account_name) as account_name, max(t.currency) as currency
       from insight_sync_targets t join connections c on c.id = t.connection_id
      where t.user_id = $1 and t.enabled and c.status <> 'revoked'
        and exists (select 1 from insight_daily_metrics m
                     where m.user_id = t.user_id and m.provider = t.provider and m.account_id = t.account_id and m.day >= $2::date)
      group by t.provider, t.account_id
      order by t.provider, (max(t.account_name) is null), max(t.account_name), t.account_id
      limit $3`,
    [params.userId, params.since, params.limit + 1],
  );
  return { rows: rows.slice(0, params.limit), more: rows.length > params.limit };
}

/** Whether the user has a live connection, and whether a sync run is under way: the insights page's empty states. */
export async function readInsightsFlags(sql: Sql, params: { userId: string }): Promise<{ has_connections: boolean; syncing: boolean }> {
  const [row] = await sql.query<{ has_connections: boolean; syncing: boolean }>(
    `select exists (select 1 from connections where user_id = $1 and status <> 'revoked') as has_connections,
            exists (select 1 from insight_sync_runs r join connections c on c.id = r.connection_id
                     where r.user_id = $1 and c.status <> 'revoked' and r.state not in ('succeeded', 'failed')) as syncing`,
    [params.userId],
  );
  return row ?? { has_connections: false, syncing: false };
}
