import 'server-only';
import postgres from 'postgres';
import { DatabaseUnavailableError, type Database, type Sql } from './types';

/**
 * Prepared statements, unless the URL is a transaction pooler (Supavisor's or PgBouncer's
 * transaction mode, port 6543 or `pgbouncer=true`), which cannot keep them across transactions.
 * Unprepared, postgres.js asks the server for the parameter types before every statement that has
 * parameters: two round trips each instead of one (issue 12: the token read's 4.5 became 2).
 */
export function preparedStatementsFor(url: string, setting: 'auto' | 'on' | 'off' = 'auto'): boolean {
  if (setting !== 'auto') return setting === 'on';
  const parsed = new URL(url);
  return parsed.port !== '6543' && parsed.searchParams.get('pgbouncer') !== 'true';
}

/** postgres.js over DATABASE_URL (see preparedStatementsFor for `prepare`). */
export async function openPostgres(url: string, options: { max?: number; prepare?: 'auto' | 'on' | 'off' } = {}): Promise<Database> {
  const prepare = preparedStatementsFor(url, options.prepare);
  const sql = postgres(url, {
    prepare,
    max: options.max ?? 10,
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
    // Dates and JSON come back parsed; int8 stays a string unless a query casts it.
  });

  const asSql = (conn: postgres.Sql | postgres.TransactionSql): Sql => ({
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      // unsafe() is never prepared unless asked per query.
      return (await conn.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare })) as unknown as T[];
    },
    async exec(script: string) {
      await conn.unsafe(script).simple();
    },
  });

  try {
    await sql`select 1`;
  } catch (cause) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot reach the database at DATABASE_URL (${describeUrl(url)}): ${describeCause(cause)}. ` +
        'Check DATABASE_URL — for Supabase use the pooler connection string from Project Settings → Database — ' +
        'or unset it to use the embedded database.',
      { cause },
    );
  }

  return {
    driver: 'postgres',
    ...asSql(sql),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => sql.begin((tx) => fn(asSql(tx))) as Promise<T>,
    close: () => sql.end({ timeout: 5 }),
  };
}

/** host:port/database of a URL, never its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'unparseable URL';
  }
}

function describeCause(cause: unknown): string {
  const code = (cause as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[A-Z_0-9]+$/.test(code)) return code;
  return cause instanceof Error ? cause.name : 'connection failed';
}
