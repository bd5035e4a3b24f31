import 'server-only';
import type { ResolvedColumn, ResolvedTable } from '../import/mapping';
import type { Sql } from './types';

/**
 * Reads the Python prototype's database for `npm run import:prototype`. Only in a read-only
 * transaction (see readPrototype): the importer never writes to the database it leaves.
 */

/** Every column of the given schema's tables: table → column → data type. */
export async function inspectSourceSchema(sql: Sql, schema: string): Promise<Map<string, Map<string, string>>> {
  const rows = await sql.query<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = $1 order by table_name, ordinal_position`,
    [schema],
  );
  const tables = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Map<string, string>();
    columns.set(row.column_name, row.data_type);
    tables.set(row.table_name, columns);
  }
  return tables;
}

export type SourceRow = Record<string, unknown>;

/** All rows of one mapped table, each field under its Grantkeeper name, ordered by id. */
export async function readSourceTable(sql: Sql, schema: string, table: ResolvedTable): Promise<SourceRow[]> {
  const select = table.columns.map((c) => `${selectExpression(c)} as ${quoteIdent(c.field)}`).join(', ');
  const id = table.columns.find((c) => c.field === 'id');
  return sql.query<SourceRow>(
    `select ${select} from ${quoteIdent(schema)}.${quoteIdent(table.table)}${id ? ` order by ${quoteIdent(id.column)}` : ''}`,
  );
}

const NUMERIC = /^(smallint|integer|bigint|numeric|real|double precision)$/;

/** Casts each column to what the importer expects, whatever type the prototype gave it. */
function selectExpression(c: ResolvedColumn): string {
  const col = quoteIdent(c.column);
  switch (c.kind) {
    case 'id':
    case 'text':
      return `${col}::text`;
    case 'time':
      // Some Python services store epoch seconds rather than timestamps.
      return NUMERIC.test(c.dataType) ? `to_timestamp(${col})` : `${col}::timestamptz`;
    case 'list':
      return c.dataType === 'ARRAY' ? `${col}::text[]` : `${col}::text`;
    case 'flag':
      return c.dataType === 'boolean' ? col : `${col}::text`;
    case 'json':
      return c.dataType === 'json' || c.dataType === 'jsonb' ? `${col}::jsonb` : `${col}::text`;
  }
}

/** Identifiers come from the mapping file and were matched against information_schema; quoted anyway. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
