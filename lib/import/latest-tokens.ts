import 'server-only';
import type { SourceRow } from '../db/prototype-source';
import type { SourceTable } from './mapping';
import { SKIP } from './skip-reasons';
import { date, str } from './values';

/** A prototype token (still under the prototype's key) and where it came from, for the report. */
export interface TokenRef {
  value: string;
  table: SourceTable;
  sourceId: string;
  field: string;
}

interface AccountTokens {
  access: TokenRef | null;
  refresh: TokenRef | null;
  expiresAt: Date | null;
  rows: string[];
}

/** The newest access and refresh token of each account; older ones are skipped as superseded. */
export function latestTokens(rows: SourceRow[], skip: (table: SourceTable, id: string, reason: string) => void): Map<string, AccountTokens> {
  const byAccount = new Map<string, AccountTokens>();
  const newestFirst = [...rows].sort((a, b) => (date(b.createdAt)?.getTime() ?? 0) - (date(a.createdAt)?.getTime() ?? 0) || compareIds(b.id, a.id));
  for (const row of newestFirst) {
    const id = str(row.id)!;
    const account = str(row.accountId);
    const kind = /refresh/i.test(str(row.tokenType) ?? '') ? 'refresh' : /access/i.test(str(row.tokenType) ?? '') ? 'access' : null;
    const value = tokenRef(row.value, id, 'value', 'encrypted_tokens');
    if (account === null || kind === null || value === null) {
      skip('encrypted_tokens', id, account === null ? SKIP.noAccount : SKIP.tokenType);
      continue;
    }
    const entry = byAccount.get(account) ?? { access: null, refresh: null, expiresAt: null, rows: [] };
    byAccount.set(account, entry);
    if (entry[kind]) {
      skip('encrypted_tokens', id, SKIP.superseded);
      continue;
    }
    entry[kind] = value;
    entry.rows.push(id);
    if (kind === 'access') entry.expiresAt = date(row.expiresAt);
  }
  return byAccount;
}

function compareIds(a: unknown, b: unknown): number {
  const x = str(a) ?? '';
  const y = str(b) ?? '';
  return /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
}

export function tokenRef(value: unknown, sourceId: string, field: string, table: SourceTable = 'user_accounts'): TokenRef | null {
  const text = str(value)?.trim();
  return text ? { value: text, table, sourceId, field } : null;
}

