import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Sql } from '@/lib/db';
import { openPostgres, preparedStatementsFor } from '@/lib/db/postgres-driver';
import { readTokenRowAsUser } from '@/lib/db/refresh';
import { parseEnv } from '@/lib/env';
import { getFreshAccessToken } from '@/lib/refresh/fresh-token';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';

/**
 * The token API's read of a fresh token is one round trip (issue 12): a single statement sets the
 * RLS claims and role and reads, where asUser took four (BEGIN, set_config, select, COMMIT). With
 * the API key cached and one rate-limit upsert, a token read makes two.
 */

/** Counts what reaches the database: each statement, and BEGIN + COMMIT per transaction. */
function counting(db: Database): { db: Database; roundTrips: () => number } {
  let n = 0;
  const wrap = (sql: Sql): Sql => ({
    query: (text, params) => (n++, sql.query(text, params)),
    exec: (script) => (n++, sql.exec(script)),
  });
  const counted: Database = {
    ...wrap(db),
    driver: db.driver,
    transaction: (fn) => ((n += 2), db.transaction((tx) => fn(wrap(tx)))),
    close: () => db.close(),
  };
  return { db: counted, roundTrips: () => n };
}

describe.each(DRIVERS)('token read on %s', (driver) => {
  let t: TestDatabase;
  let connA: string;
  let connB: string;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_a');
    await insertUser(t.db, 'user_b');
    connA = await insertConnection(t.db, { userId: 'user_a', accessTokenEnc: encryptToken('at-a') });
    connB = await insertConnection(t.db, { userId: 'user_b', accessTokenEnc: encryptToken('at-b') });
  });
  afterAll(() => t.dispose());

  it('serves a fresh token in one round trip', async () => {
    const { db, roundTrips } = counting(t.db);
    const env = parseEnv({ ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS! });
    const token = await getFreshAccessToken({ db, env, userId: 'user_a', connectionId: connA, actor: 'api_key:test', origin: 'http://localhost' });
    expect(token.accessToken).toBe('at-a');
    expect(roundTrips()).toBe(1);
  });

  it('reads only the user’s own row', async () => {
    expect((await readTokenRowAsUser(t.db, { userId: 'user_a', id: connA }))?.status).toBe('active');
    expect(await readTokenRowAsUser(t.db, { userId: 'user_a', id: connB })).toBeUndefined();
  });

  it('reads as role authenticated with the user’s claims (the RLS policies apply), and only for that statement', async () => {
    const inside = await t.db.transaction(async (tx) => {
      await tx.query('select * from read_token_row_as_user($1, $2)', ['user_a', connA]);
      return tx.query<{ role: string; sub: string }>(`select current_user as role, auth.jwt() ->> 'sub' as sub`);
    });
    expect(inside).toEqual([{ role: 'authenticated', sub: 'user_a' }]);
    // Outside a transaction the statement is its own: the next one runs as the app again.
    await readTokenRowAsUser(t.db, { userId: 'user_a', id: connA });
    const [after] = await t.db.query<{ role: string }>('select current_user as role');
    expect(after!.role).not.toBe('authenticated');
  });
});

describe('prepared statements on PostgreSQL (DB_PREPARE)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(() => t.dispose());

  /** Prepared statements the one connection holds after the same parameterised read twice. */
  async function preparedAfterTwoReads(prepare: 'auto' | 'off', url = t.url!): Promise<number> {
    const db = await openPostgres(url, { max: 1, prepare });
    try {
      for (let i = 0; i < 2; i++) await db.query('select id from users where id = $1', ['nobody']);
      const [row] = await db.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements');
      return row!.n;
    } finally {
      await db.close();
    }
  }

  it('are used on a direct connection (one round trip per statement, not two), and not with off', async () => {
    expect(await preparedAfterTwoReads('auto')).toBeGreaterThan(0);
    expect(await preparedAfterTwoReads('off')).toBe(0);
  });

  it('are not used through a transaction pooler (port 6543 or pgbouncer=true)', () => {
    expect(preparedStatementsFor('postgresql://u:p@db.example.com:5432/postgres')).toBe(true);
    expect(preparedStatementsFor('postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres')).toBe(false);
    expect(preparedStatementsFor('postgresql://u:p@pooler.example.com:5432/postgres?pgbouncer=true')).toBe(false);
    expect(preparedStatementsFor('postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres', 'on')).toBe(true);
  });
});
