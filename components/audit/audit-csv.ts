import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';
import { actorLabel } from '@/components/dashboard/event-copy';
import type { AuditLogRow } from '@/lib/db/audit-log';
import { auditActionLabel } from './action-label';
import { redactTokenLike } from './redact';

/** The export's columns, in order; the same facts as the table, in words where the table has words. */
export const AUDIT_CSV_COLUMNS = ['time', 'action', 'action_key', 'outcome', 'connection', 'connection_id', 'actor', 'detail'] as const;

/**
 * One CSV field (RFC 4180): always quoted, quotes doubled. A cell a spreadsheet would read as a
 * formula (= + - @, or a leading tab or carriage return) gets a leading apostrophe, so opening the
 * export never runs something an event's detail happened to contain (OWASP "CSV injection").
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function connectionOf(row: AuditLogRow): string {
  if (!row.connection_id) return '';
  const provider = PROVIDER_COPY[row.connection_provider as keyof typeof PROVIDER_COPY]?.name ?? row.connection_provider;
  const name = row.connection_name ?? row.connection_external_id ?? 'Connection';
  return provider ? `${name} (${provider})` : name;
}

/** One event as a CSV line. Details are sanitized when written; token-shaped text is hidden again, as on screen. */
export function auditCsvLine(row: AuditLogRow): string {
  const actor = actorLabel(row.actor);
  return [
    row.created_at.toISOString(),
    auditActionLabel(row.action),
    row.action,
    row.outcome,
    connectionOf(row),
    row.connection_id ?? '',
    actor.charAt(0).toUpperCase() + actor.slice(1),
    redactTokenLike(JSON.stringify(row.detail ?? {})),
  ]
    .map(csvCell)
    .join(',');
}

/** The whole file: a header line, then the events as given (newest first), CRLF line ends as RFC 4180 says. */
export function auditCsv(rows: readonly AuditLogRow[]): string {
  return [AUDIT_CSV_COLUMNS.join(','), ...rows.map(auditCsvLine)].map((line) => `${line}\r\n`).join('');
}
