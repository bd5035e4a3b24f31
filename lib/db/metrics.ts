import 'server-only';
import type { Sql } from './types';

/**
 * The gauges /api/metrics reads at scrape time, across all users (an operator's view; no ids
 * leave here, only counts). Both use the connections indexes: the status scan is one grouped
 * count, the backlog is the sweep's own due predicate (connections_due_idx).
 */

export interface ConnectionCount {
  provider: string;
  status: string;
  count: number;
}

export async function countConnectionsByStatus(sql: Sql): Promise<ConnectionCount[]> {
  const rows = await sql.query<{ provider: string; status: string; count: number | string }>(
    `select provider, status, count(*)::int as count from connections group by provider, status`,
  );
  return rows.map((r) => ({ provider: r.provider, status: r.status, count: Number(r.count) }));
}

export interface DueBacklog {
  due: number;
  /** Seconds the longest-waiting due connection has been due; 0 when none is. */
  oldestDueSec: number;
}

/** Connections the sweep would claim now (leased ones included: they are due, just in hand). */
export async function countDueConnections(sql: Sql): Promise<DueBacklog> {
  const [row] = await sql.query<{ due: number | string; oldest: number | string | null }>(
    `select count(*)::int as due,
            coalesce(extract(epoch from now() - min(next_attempt_at)), 0)::float8 as oldest
       from connections where status = 'active' and next_attempt_at <= now()`,
  );
  return { due: Number(row?.due ?? 0), oldestDueSec: Math.max(0, Number(row?.oldest ?? 0)) };
}
