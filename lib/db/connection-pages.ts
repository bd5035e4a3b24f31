import 'server-only';
import { SUMMARY_COLUMNS, type ConnectionStatus, type ConnectionSummary } from './connections';
import type { Sql } from './types';

/**
 * The connection list a page at a time, by keyset: the dashboard's order (provider, live before
 * revoked, name, then age) with the id as the last tie-breaker, so the order is total and a page
 * boundary never splits or repeats a row. A cursor is a row's id: the row's own key is read back
 * in the query, so no timestamp has to round-trip through JavaScript's millisecond dates.
 */
const KEY = `provider, (status = 'revoked'), coalesce(display_name, ''), created_at, id`;
const DESC_KEY = `provider desc, (status = 'revoked') desc, coalesce(display_name, '') desc, created_at desc, id desc`;

export interface ConnectionFilter {
  userId: string;
  provider?: string;
  status?: ConnectionStatus;
  /** Leave out the connections the user removed from the list (revoked and hidden). */
  listedOnly?: boolean;
  /** Leave out revoked connections (they hold no grant): the prototype's list and the token API's picker. */
  live?: boolean;
}

export interface PageQuery extends ConnectionFilter {
  /** Rows strictly after this connection's place in the order (next pages)… */
  after?: string;
  /** …or strictly before it (previous pages); neither: from the start. */
  before?: string;
  limit: number;
}

function where(f: ConnectionFilter, params: unknown[]): string {
  params.push(f.userId);
  const parts = [`user_id = $${params.length}`];
  if (f.provider) {
    params.push(f.provider);
    parts.push(`provider = $${params.length}`);
  }
  if (f.status) {
    params.push(f.status);
    parts.push(`status = $${params.length}`);
  }
  if (f.listedOnly) parts.push('hidden_at is null');
  if (f.live) parts.push(`status <> 'revoked'`);
  return parts.join(' and ');
}

/** Up to `limit` + 1 rows in the asked direction (the extra one says whether there is more), always returned in list order. */
export async function listConnectionPage(sql: Sql, q: PageQuery): Promise<ConnectionSummary[]> {
  const params: unknown[] = [];
  const conditions = [where(q, params)];
  const cursor = q.after ?? q.before;
  if (cursor) {
    params.push(cursor);
    conditions.push(`(${KEY}) ${q.after ? '>' : '<'} (select ${KEY} from connections where user_id = $1 and id = $${params.length})`);
  }
  params.push(q.limit + 1);
  const rows = await sql.query<ConnectionSummary>(
    `select ${SUMMARY_COLUMNS} from connections where ${conditions.join(' and ')}
      order by ${q.before ? DESC_KEY : KEY} limit $${params.length}`,
    params,
  );
  return q.before ? rows.reverse() : rows;
}

/**
 * The id of the row just before the page of `limit` rows that holds connection `id`, counting pages
 * from the start: null when it is on the first page, undefined when the filter leaves it out.
 * Paging on from page one reaches the same page, so the page it opens is an ordinary one.
 */
export async function locateConnectionPage(sql: Sql, f: ConnectionFilter & { id: string; limit: number }): Promise<string | null | undefined> {
  const params: unknown[] = [];
  const filter = where(f, params);
  params.push(f.id);
  const self = `select ${KEY} from connections where ${filter} and id = $${params.length}`;
  const [found] = await sql.query<{ found: boolean; before: number }>(
    `select exists (${self}) as found,
            (select count(*)::int from connections where ${filter} and (${KEY}) < (${self})) as before`,
    params,
  );
  if (!found?.found) return undefined;
  const start = Math.floor(found.before / f.limit) * f.limit;
  if (start === 0) return null;
  params.pop();
  params.push(start - 1);
  const [row] = await sql.query<{ id: string }>(`select id from connections where ${filter} order by ${KEY} offset $${params.length} limit 1`, params);
  return row?.id ?? null;
}

export interface ConnectionCount {
  provider: string;
  status: ConnectionStatus;
  hidden: boolean;
  count: number;
}

/** How many connections per provider, status and listed-or-removed: the dashboard's summary. */
export async function countConnections(sql: Sql, params: { userId: string }): Promise<ConnectionCount[]> {
  return sql.query<ConnectionCount>(
    `select provider, status, hidden_at is not null as hidden, count(*)::int as count
       from connections where user_id = $1 group by 1, 2, 3 order by 1, 2, 3`,
    [params.userId],
  );
}

/**
 * Connections that may need a person, most urgent first: failed grants, then tokens already
 * expired, without a refresh token and ending within a week, or whose refresh token ends within two
 * weeks (the thresholds of lib/connections/health.ts, which decides on each row).
 */
export async function listAttentionCandidates(sql: Sql, params: { userId: string; limit: number }): Promise<ConnectionSummary[]> {
  return sql.query<ConnectionSummary>(
    `select ${SUMMARY_COLUMNS} from connections
      where user_id = $1 and (status in ('needs_reauth', 'error') or (status = 'active' and (expires_at < now()
        or (refresh_token_enc is null and expires_at < now() + interval '7 days')
        or refresh_token_expires_at < now() + interval '14 days')))
      order by case status when 'needs_reauth' then 0 when 'error' then 1 else 2 end, expires_at, id
      limit $2`,
    [params.userId, params.limit],
  );
}
