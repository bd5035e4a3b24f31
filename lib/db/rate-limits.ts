import 'server-only';
import type { Sql } from './types';

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  hits: number;
  /** Seconds until the window ends (fractional). */
  reset_sec: number;
}

/**
 * Counts `hits` (default 1) against a fixed window and returns the count, in one statement: the
 * upsert takes the row lock, so concurrent hits on any instance are serialised and each sees the
 * count that includes it. A window that has ended starts over in the same statement. The count is
 * capped `hits` above the limit, so a flood cannot overflow it and a caller can still tell how many
 * of its hits fit (lib/rate-limit/blocks.ts reserves several at once).
 */
export async function hitRateLimit(
  sql: Sql,
  params: { key: string; limit: number; windowSec: number; hits?: number },
): Promise<RateLimitHit> {
  const [row] = await sql.query<RateLimitHit>(
    `insert into rate_limits as r (key, window_start, hits, expires_at)
     values ($1, now(), $4, now() + make_interval(secs => $2))
     on conflict (key) do update set
       window_start = case when r.expires_at <= now() then now() else r.window_start end,
       hits = case when r.expires_at <= now() then $4 else least(r.hits + $4, $3 + $4) end,
       expires_at = case when r.expires_at <= now() then now() + make_interval(secs => $2) else r.expires_at end
     returning hits, extract(epoch from (expires_at - now()))::float8 as reset_sec`,
    [params.key, params.windowSec, params.limit, params.hits ?? 1],
  );
  if (!row) throw new Error('hitRateLimit returned no row');
  return { hits: Number(row.hits), reset_sec: Number(row.reset_sec) };
}

/** Housekeeping for the sweep: counters whose window has ended carry no information. */
export async function deleteExpiredRateLimits(sql: Sql, batch = 10_000): Promise<number> {
  const rows = await sql.query(
    `delete from rate_limits where key in (
       select key from rate_limits where expires_at < now() order by expires_at limit $1
     ) returning 1`,
    [batch],
  );
  return rows.length;
}
