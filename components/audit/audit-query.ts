import { z } from '@/components/zod';
import type { AuditLogCursor, AuditLogFilters } from '@/lib/db/audit-log';

/** Events per page of the audit log. */
export const AUDIT_PAGE_SIZE = 25;

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'info'] as const;

/** The audit page's state, all of it in the URL: filters and the keyset cursor. */
export interface AuditQuery {
  filters: AuditLogFilters;
  cursor: AuditLogCursor;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const id = z.string().regex(/^[1-9]\d{0,18}$/);
const action = z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/);

/**
 * Reads the URL's search params. Anything malformed is ignored rather than refused: a hand-edited
 * or stale link still shows the log, just less filtered.
 */
export function parseAuditQuery(params: Record<string, string | string[] | undefined>): AuditQuery {
  const connection = z.uuid().safeParse(one(params.connection));
  const act = action.safeParse(one(params.action));
  const outcome = z.enum(AUDIT_OUTCOMES).safeParse(one(params.outcome));
  const before = id.safeParse(one(params.before));
  const after = id.safeParse(one(params.after));
  return {
    filters: {
      ...(connection.success ? { connectionId: connection.data } : {}),
      ...(act.success ? { action: act.data } : {}),
      ...(outcome.success ? { outcome: outcome.data } : {}),
    },
    cursor: before.success ? { before: before.data } : after.success ? { after: after.data } : null,
  };
}

export function hasFilters(filters: AuditLogFilters): boolean {
  return Boolean(filters.connectionId || filters.action || filters.outcome);
}

/** A link to the audit log with these filters and, optionally, a cursor. */
export function auditHref(filters: AuditLogFilters, cursor: AuditLogCursor = null): string {
  const q = new URLSearchParams();
  if (filters.connectionId) q.set('connection', filters.connectionId);
  if (filters.action) q.set('action', filters.action);
  if (filters.outcome) q.set('outcome', filters.outcome);
  if (cursor && 'before' in cursor) q.set('before', cursor.before);
  if (cursor && 'after' in cursor) q.set('after', cursor.after);
  const s = q.toString();
  return s ? `/audit?${s}` : '/audit';
}
