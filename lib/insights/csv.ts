import type { MetricRow } from '../db/insights-metrics';

/**
 * CSV of exactly the rows the API returns (RFC 4180: quoted when needed, CRLF). Cells that a
 * spreadsheet would run as a formula (=, +, -, @ at the start) are prefixed with a quote: campaign
 * names come from the provider and could carry one (OWASP "CSV injection").
 */

export const CSV_COLUMNS = [
  'day',
  'provider',
  'connection_id',
  'account_id',
  'campaign_id',
  'campaign_name',
  'currency',
  'impressions',
  'clicks',
  'spend',
  'conversions',
  'conversion_value',
] as const satisfies readonly (keyof MetricRow)[];

function cell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly MetricRow[]): string {
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
