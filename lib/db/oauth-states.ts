import 'server-only';
import type { Sql } from './types';

export interface OAuthStateRow {
  user_id: string;
  provider: string;
  region: string | null;
  code_verifier_enc: string | null;
  connection_id: string | null;
  return_path: string;
  expires_at: Date;
  expired: boolean;
}

export async function insertOAuthState(
  sql: Sql,
  state: {
    stateHash: string;
    userId: string;
    provider: string;
    region: string | null;
    codeVerifierEnc: string | null;
    connectionId: string | null;
    returnPath: string;
    ttlSec: number;
  },
): Promise<void> {
  await sql.query(
    `insert into oauth_states (state_hash, user_id, provider, region, code_verifier_enc, connection_id, return_path, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
    [
      state.stateHash,
      state.userId,
      state.provider,
      state.region,
      state.codeVerifierEnc,
      state.connectionId,
      state.returnPath,
      state.ttlSec,
    ],
  );
}

/**
 * Consumes a state, but only the presenting user's for this provider: the row is deleted and
 * returned in one statement, so of two concurrent callbacks with the same state exactly one gets
 * it, and a callback by another user or for another provider leaves it for its owner.
 */
export async function consumeOAuthState(
  sql: Sql,
  params: { stateHash: string; userId: string; provider: string },
): Promise<OAuthStateRow | undefined> {
  const [row] = await sql.query<OAuthStateRow>(
    `delete from oauth_states where state_hash = $1 and user_id = $2 and provider = $3
     returning user_id, provider, region, code_verifier_enc, connection_id, return_path, expires_at,
               expires_at <= now() as expired`,
    [params.stateHash, params.userId, params.provider],
  );
  return row;
}

/**
 * Whose a state is, without consuming it: a refused callback is audited to the state's owner.
 * Runs unscoped on purpose: another user's state must be found to be reported, not be invisible.
 */
export async function findOAuthStateOwner(
  sql: Sql,
  stateHash: string,
): Promise<{ user_id: string; provider: string } | undefined> {
  const [row] = await sql.query<{ user_id: string; provider: string }>(
    'select user_id, provider from oauth_states where state_hash = $1',
    [stateHash],
  );
  return row;
}

/** Housekeeping: states are useless after their ten minutes. */
export async function deleteExpiredOAuthStates(sql: Sql): Promise<number> {
  const rows = await sql.query(`delete from oauth_states where expires_at < now() - interval '1 hour' returning 1`);
  return rows.length;
}
