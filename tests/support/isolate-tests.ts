import type { Sql } from '@/lib/db/types';

/**
 * For a beforeEach on a database the whole file shares: what earlier tests left behind is no longer
 * due, so a sweep sees only the connections and runs the current test makes. Earlier connections are
 * revoked, their sync targets disabled and their unfinished runs failed.
 *
 * A run is failed rather than deleted so it stays where a test may still read it; its lease is
 * cleared so a sweep an earlier test left running cannot write on, and finished_at stays null so the
 * user's "last 7 days" summaries (which count finished runs) do not change.
 */
export async function isolateFromEarlierTests(sql: Sql): Promise<void> {
  await sql.query(`update connections set status = 'revoked', next_attempt_at = null where status <> 'revoked'`);
  await sql.query(`update insight_sync_targets set enabled = false where enabled`);
  await sql.query(
    `update insight_sync_runs set state = 'failed', lease_owner = null, lease_until = null
      where state not in ('succeeded', 'failed')`,
  );
}
