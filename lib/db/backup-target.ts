import 'server-only';
import type { Sql } from './types';

/** Tables in the schemas a backup holds; a restore goes only into a database without any. */
export async function countRestorableTables(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `select count(*)::int as n from pg_tables where schemaname in ('public', 'supabase_migrations')`,
  );
  return row?.n ?? 0;
}
