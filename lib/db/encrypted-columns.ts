import 'server-only';
import type { Sql } from './types';

/**
 * Every column that holds Fernet ciphertext, for key rotation. Add new ones here: a column named
 * `*_enc` that is missing from this list fails tests/integration/key-rotation.test.ts.
 */
export interface EncryptedColumn {
  table: string;
  keyColumn: string;
  keyType: 'uuid' | 'text';
  column: string;
  readBatch(sql: Sql, after: string | null, limit: number): Promise<EncryptedRow[]>;
}

export interface EncryptedRow {
  key: string;
  value: string;
}

/** `keyType` lets the batch walk the primary key's own index instead of a text cast. */
function column(table: string, keyColumn: string, keyType: 'uuid' | 'text', name: string): EncryptedColumn {
  return {
    table,
    keyColumn,
    keyType,
    column: name,
    readBatch: (sql, after, limit) =>
      sql.query<EncryptedRow>(
        `select ${keyColumn}::text as key, ${name} as value from ${table}
          where ${name} is not null and ($1::${keyType} is null or ${keyColumn} > $1::${keyType})
          order by ${keyColumn} limit $2`,
        [after, limit],
      ),
  };
}

const COLUMNS: EncryptedColumn[] = [
  column('connections', 'id', 'uuid', 'access_token_enc'),
  column('connections', 'id', 'uuid', 'refresh_token_enc'),
  column('oauth_states', 'state_hash', 'text', 'code_verifier_enc'),
  column('refresh_pending_results', 'connection_id', 'uuid', 'result_enc'),
  column('notification_endpoints', 'user_id', 'text', 'secret_enc'),
];

export function listEncryptedColumns(): EncryptedColumn[] {
  return COLUMNS;
}

/** Compare-and-set: writes only if the ciphertext is still the one that was read. */
export async function replaceEncryptedValue(
  sql: Sql,
  col: EncryptedColumn,
  row: EncryptedRow,
  next: string,
): Promise<boolean> {
  const updated = await sql.query(
    `update ${col.table} set ${col.column} = $1 where ${col.keyColumn} = $2::${col.keyType} and ${col.column} = $3 returning 1`,
    [next, row.key, row.value],
  );
  return updated.length === 1;
}
