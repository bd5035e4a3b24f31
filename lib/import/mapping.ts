import 'server-only';
import { z } from 'zod';

/**
 * How the Python prototype's tables map onto Grantkeeper (docs/import.md). Its exact columns were
 * never written down, so each field lists the column names it may have, tried in order; a mapping
 * file (`--mapping file.json`) replaces any list with the real name. A required field that finds
 * no column stops the import before anything is read.
 */

export type FieldKind = 'id' | 'text' | 'time' | 'json' | 'flag' | 'list';

interface FieldSpec {
  kind: FieldKind;
  required: boolean;
  columns: string[];
}

const field = (kind: FieldKind, required: boolean, ...columns: string[]): FieldSpec => ({ kind, required, columns });

export const SOURCE_TABLES = ['users', 'user_accounts', 'encrypted_tokens', 'audit_logs'] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

export const DEFAULT_FIELDS = {
  users: {
    id: field('id', true, 'id'),
    // Grantkeeper's users.id is the Clerk user id, so the prototype's must be found, not guessed.
    clerkUserId: field('text', true, 'clerk_user_id', 'clerk_id'),
    email: field('text', false, 'email', 'email_address'),
    createdAt: field('time', false, 'created_at'),
    updatedAt: field('time', false, 'updated_at'),
    deletedAt: field('time', false, 'deleted_at'),
  },
  user_accounts: {
    id: field('id', true, 'id'),
    userId: field('id', true, 'user_id'),
    externalAccountId: field('text', true, 'amazon_user_id', 'lwa_user_id', 'external_account_id', 'account_id'),
    platform: field('text', false, 'platform', 'provider'),
    displayName: field('text', false, 'account_name', 'display_name', 'name', 'email'),
    region: field('text', false, 'region', 'marketplace_region'),
    accessToken: field('text', false, 'access_token_encrypted', 'encrypted_access_token', 'access_token_enc', 'access_token'),
    refreshToken: field('text', false, 'refresh_token_encrypted', 'encrypted_refresh_token', 'refresh_token_enc', 'refresh_token'),
    expiresAt: field('time', false, 'token_expires_at', 'access_token_expires_at', 'expires_at'),
    scopes: field('list', false, 'scopes', 'scope'),
    metadata: field('json', false, 'metadata', 'account_metadata', 'account_info', 'profiles'),
    active: field('flag', false, 'is_active', 'active', 'status'),
    createdAt: field('time', false, 'created_at'),
    deletedAt: field('time', false, 'deleted_at'),
  },
  encrypted_tokens: {
    id: field('id', true, 'id'),
    accountId: field('id', true, 'user_account_id', 'account_id'),
    tokenType: field('text', true, 'token_type', 'type', 'kind'),
    value: field('text', true, 'encrypted_token', 'encrypted_value', 'token_encrypted', 'ciphertext', 'value', 'token'),
    expiresAt: field('time', false, 'expires_at'),
    createdAt: field('time', false, 'created_at', 'updated_at'),
  },
  audit_logs: {
    id: field('id', true, 'id'),
    action: field('text', true, 'action', 'event', 'event_type'),
    userId: field('id', false, 'user_id'),
    accountId: field('id', false, 'user_account_id', 'account_id'),
    outcome: field('text', false, 'outcome', 'status', 'result'),
    details: field('json', false, 'details', 'detail', 'metadata', 'data', 'payload'),
    createdAt: field('time', false, 'created_at', 'timestamp', 'occurred_at'),
  },
} satisfies Record<SourceTable, Record<string, FieldSpec>>;

export type FieldName<T extends SourceTable> = keyof (typeof DEFAULT_FIELDS)[T] & string;

/** Only tokens and history may be absent from a prototype; users and their accounts may not. */
const OPTIONAL_TABLES: readonly SourceTable[] = ['encrypted_tokens', 'audit_logs'];

const ColumnNames = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));
const TableOverride = z.strictObject({
  /** The table's real name; null leaves an optional table out. */
  table: z.string().min(1).nullable().optional(),
  columns: z.record(z.string(), ColumnNames).optional(),
});

export const MappingFile = z.strictObject({
  schema: z.string().min(1).optional(),
  tables: z.partialRecord(z.enum(SOURCE_TABLES), TableOverride).optional(),
  /** Prototype platform values and the Grantkeeper provider each becomes. */
  platforms: z.record(z.string(), z.enum(['amazon-ads', 'linkedin', 'x', 'meta'])).optional(),
});
export type MappingFile = z.input<typeof MappingFile>;

export interface TableMapping {
  table: string | null;
  fields: Record<string, FieldSpec>;
}

export interface Mapping {
  schema: string;
  tables: Record<SourceTable, TableMapping>;
  platforms: Record<string, string>;
}

/** The prototype stored only Amazon accounts; a missing platform column means Amazon Ads. */
const DEFAULT_PLATFORMS: Record<string, 'amazon-ads'> = {
  amazon: 'amazon-ads',
  amazon_ads: 'amazon-ads',
  'amazon-ads': 'amazon-ads',
  amazonads: 'amazon-ads',
};

export class MappingError extends Error {
  readonly code = 'invalid_mapping';
}

/** The defaults, with a mapping file's overrides applied (an unknown field name is an error). */
export function buildMapping(input: unknown = {}): Mapping {
  const parsed = MappingFile.safeParse(input);
  if (!parsed.success) throw new MappingError(`invalid mapping file: ${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  const tables = {} as Record<SourceTable, TableMapping>;
  for (const name of SOURCE_TABLES) {
    const override = file.tables?.[name];
    const fields: Record<string, FieldSpec> = structuredClone(DEFAULT_FIELDS[name]);
    for (const [key, columns] of Object.entries(override?.columns ?? {})) {
      const spec = fields[key];
      if (!spec) throw new MappingError(`invalid mapping file: ${name} has no field "${key}" (fields: ${Object.keys(fields).join(', ')})`);
      spec.columns = columns;
    }
    if (override?.table === null && !OPTIONAL_TABLES.includes(name)) {
      throw new MappingError(`invalid mapping file: the ${name} table cannot be left out`);
    }
    tables[name] = { table: override?.table === undefined ? name : override.table, fields };
  }
  const platforms = Object.fromEntries(
    Object.entries({ ...DEFAULT_PLATFORMS, ...file.platforms }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { schema: file.schema ?? 'public', tables, platforms };
}

/** The defaults as a mapping file, for `--print-mapping`. */
export function defaultMappingFile(): MappingFile {
  return {
    schema: 'public',
    tables: Object.fromEntries(
      SOURCE_TABLES.map((name) => [
        name,
        { table: name, columns: Object.fromEntries(Object.entries(DEFAULT_FIELDS[name]).map(([k, spec]) => [k, spec.columns])) },
      ]),
    ),
    platforms: DEFAULT_PLATFORMS,
  };
}

export interface ResolvedColumn {
  field: string;
  column: string;
  kind: FieldKind;
  dataType: string;
}

export interface MissingColumn {
  table: string;
  field: string;
  tried: string[];
  present: string[];
}

export interface ResolvedTable {
  source: SourceTable;
  table: string;
  columns: ResolvedColumn[];
}

/**
 * Picks each field's column from what the source schema has. Returns every missing required
 * column (and missing table) at once, so one run tells the operator everything to fix.
 */
export function resolveMapping(
  mapping: Mapping,
  schemaColumns: Map<string, Map<string, string>>,
): { tables: Partial<Record<SourceTable, ResolvedTable>>; missing: MissingColumn[] } {
  const tables: Partial<Record<SourceTable, ResolvedTable>> = {};
  const missing: MissingColumn[] = [];
  for (const source of SOURCE_TABLES) {
    const { table, fields } = mapping.tables[source];
    if (table === null) continue;
    const present = schemaColumns.get(table);
    if (!present) {
      missing.push({ table, field: '(table)', tried: [table], present: [] });
      continue;
    }
    const columns: ResolvedColumn[] = [];
    for (const [name, spec] of Object.entries(fields)) {
      const column = spec.columns.find((c) => present.has(c));
      if (column) columns.push({ field: name, column, kind: spec.kind, dataType: present.get(column)! });
      else if (spec.required) missing.push({ table, field: name, tried: spec.columns, present: [...present.keys()].sort() });
    }
    tables[source] = { source, table, columns };
  }
  return { tables, missing };
}
