import { z } from '@/components/zod';
import type { AuditLogCursor, AuditLogFilters } from '@/lib/db/audit-log';
import { safeText } from '@/lib/http/safe-text';
import { isTimeZone } from '@/lib/time-zones';

/** Events per page of the audit log. */
export const AUDIT_PAGE_SIZE = 25;

/** The most events one CSV export holds; past it the file says so in a header and the page in words. */
export const AUDIT_EXPORT_LIMIT = 10_000;

/** The most connections the connection filter lists (the first, in the dashboard's order); the page says how to reach the rest. */
export const AUDIT_CONNECTION_CHOICES = 100;

/** The longest search term kept. */
export const AUDIT_SEARCH_MAX = 200;

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'info'] as const;

/** The audit page's state, all of it in the URL: filters and the keyset cursor. */
export interface AuditQuery {
  filters: AuditLogFilters;
  cursor: AuditLogCursor;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const id = z.string().regex(/^[1-9]\d{0,18}$/);
const action = z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/);
/** A real calendar day (2026-02-30 is refused), within years PostgreSQL's date and JS agree on. */
const day = z.iso.date().refine((d) => d >= '1970-01-01' && d <= '9999-12-31');
/** NUL-free (PostgreSQL refuses it), trimmed, bounded. */
const search = safeText()
  .transform((s) => s.trim())
  .pipe(z.string().min(1).max(AUDIT_SEARCH_MAX));

/** Each search param and its schema; the OpenAPI document describes the export's query with them. */
export const AUDIT_QUERY_FIELDS = {
  connection: z.uuid(),
  action,
  outcome: z.enum(AUDIT_OUTCOMES),
  before: id,
  after: id,
  from: day,
  to: day,
  q: search,
  tz: z.string().max(64).refine(isTimeZone, 'not an IANA time zone').describe('The IANA time zone whose days `from` and `to` are (the browser sends its own); UTC when absent.'),
};

/**
 * Reads the URL's search params. Anything malformed is ignored rather than refused: a hand-edited
 * or stale link still shows the log, just less filtered.
 */
export function parseAuditQuery(params: Record<string, string | string[] | undefined>): AuditQuery {
  const f = AUDIT_QUERY_FIELDS;
  const connection = f.connection.safeParse(one(params.connection));
  const act = f.action.safeParse(one(params.action));
  const outcome = f.outcome.safeParse(one(params.outcome));
  const before = f.before.safeParse(one(params.before));
  const after = f.after.safeParse(one(params.after));
  const from = f.from.safeParse(one(params.from));
  const to = f.to.safeParse(one(params.to));
  const q = f.q.safeParse(one(params.q));
  const tz = f.tz.safeParse(one(params.tz));
  return {
    filters: {
      ...(connection.success ? { connectionId: connection.data } : {}),
      ...(act.success ? { action: act.data } : {}),
      ...(outcome.success ? { outcome: outcome.data } : {}),
      ...(from.success ? { from: from.data } : {}),
      ...(to.success ? { to: to.data } : {}),
      ...(q.success ? { search: q.data } : {}),
      // A zone only means something with a day to bound.
      ...(tz.success && (from.success || to.success) ? { timeZone: tz.data } : {}),
    },
    cursor: before.success ? { before: before.data } : after.success ? { after: after.data } : null,
  };
}

/** The same, from a request's URL (the CSV export): repeated params read like the page reads them, first one wins. */
export function parseAuditSearchParams(params: URLSearchParams): AuditQuery {
  return parseAuditQuery(Object.fromEntries([...new Set(params.keys())].map((k) => [k, params.getAll(k)])));
}

export function hasFilters(filters: AuditLogFilters): boolean {
  return Boolean(filters.connectionId || filters.action || filters.outcome || filters.from || filters.to || filters.search);
}

/** The filters as search params, in one order, shared by the page's links and the CSV export's. */
function filterParams(filters: AuditLogFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (filters.connectionId) q.set('connection', filters.connectionId);
  if (filters.action) q.set('action', filters.action);
  if (filters.outcome) q.set('outcome', filters.outcome);
  if (filters.from) q.set('from', filters.from);
  if (filters.to) q.set('to', filters.to);
  if (filters.search) q.set('q', filters.search);
  if (filters.timeZone && (filters.from || filters.to)) q.set('tz', filters.timeZone);
  return q;
}

/** The CSV export of exactly these filters (every page, no cursor). */
export function auditExportHref(filters: AuditLogFilters): string {
  const s = filterParams(filters).toString();
  return s ? `/api/v1/audit/export?${s}` : '/api/v1/audit/export';
}

/** A link to the audit log with these filters and, optionally, a cursor. */
export function auditHref(filters: AuditLogFilters, cursor: AuditLogCursor = null): string {
  const q = filterParams(filters);
  if (cursor && 'before' in cursor) q.set('before', cursor.before);
  if (cursor && 'after' in cursor) q.set('after', cursor.after);
  const s = q.toString();
  return s ? `/audit?${s}` : '/audit';
}
