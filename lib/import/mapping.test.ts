import { describe, expect, it } from 'vitest';
import { buildMapping, MappingError, resolveMapping } from './mapping';

const schema = (tables: Record<string, string[]>) =>
  new Map(Object.entries(tables).map(([t, cols]) => [t, new Map(cols.map((c) => [c, 'text']))]));

const PROTOTYPE = {
  users: ['id', 'clerk_id', 'email'],
  user_accounts: ['id', 'user_id', 'lwa_user_id', 'refresh_token'],
  encrypted_tokens: ['id', 'account_id', 'kind', 'ciphertext'],
  audit_logs: ['id', 'event'],
};

describe('prototype mapping', () => {
  it('takes the first candidate column the schema has', () => {
    const { tables, missing } = resolveMapping(buildMapping(), schema(PROTOTYPE));
    expect(missing).toEqual([]);
    const columnOf = (t: 'users' | 'user_accounts' | 'encrypted_tokens', field: string) => tables[t]!.columns.find((c) => c.field === field)?.column;
    expect(columnOf('users', 'clerkUserId')).toBe('clerk_id');
    expect(columnOf('user_accounts', 'externalAccountId')).toBe('lwa_user_id');
    expect(columnOf('user_accounts', 'accessToken')).toBeUndefined();
    expect(columnOf('encrypted_tokens', 'value')).toBe('ciphertext');
  });

  it('reports every missing required column and table at once', () => {
    const { missing } = resolveMapping(buildMapping(), schema({ users: ['id', 'email'], user_accounts: ['id'] }));
    expect(missing.map((m) => `${m.table}.${m.field}`)).toEqual([
      'users.clerkUserId',
      'user_accounts.userId',
      'user_accounts.externalAccountId',
      'encrypted_tokens.(table)',
      'audit_logs.(table)',
    ]);
  });

  it('a mapping file renames tables and columns, and may leave out tokens and history only', () => {
    const mapping = buildMapping({ tables: { users: { table: 'accounts_user', columns: { clerkUserId: 'sub' } }, audit_logs: { table: null } } });
    const { tables, missing } = resolveMapping(mapping, schema({ ...PROTOTYPE, accounts_user: ['id', 'sub'] }));
    expect(missing).toEqual([]);
    expect(tables.users).toMatchObject({ table: 'accounts_user' });
    expect(tables.audit_logs).toBeUndefined();
    expect(() => buildMapping({ tables: { users: { table: null } } })).toThrow(/cannot be left out/);
    expect(() => buildMapping({ tables: { users: { columns: { clerk: 'x' } } } })).toThrow(MappingError);
    expect(() => buildMapping({ tabels: {} })).toThrow(MappingError);
  });
});
