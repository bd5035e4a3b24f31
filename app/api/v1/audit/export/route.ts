import type { NextRequest } from 'next/server';
import { auditCsv } from '@/components/audit/audit-csv';
import { AUDIT_EXPORT_LIMIT, parseAuditSearchParams } from '@/components/audit/audit-query';
import { asUser, getDb } from '@/lib/db';
import { listAuditLogForExport } from '@/lib/db/audit-log';
import { getEnv } from '@/lib/env';
import { limitRequest } from '@/lib/rate-limit/enforce';
import { apiRoute } from '@/lib/http/handle-route';
import { sessionRoute } from '@/lib/http/session-route';

export const dynamic = 'force-dynamic';

/**
 * The signed-in user's audit log as CSV: every event the page's filters match (the same search
 * params, parsed by the same code, so the file holds what the view pages through), newest first,
 * at most AUDIT_EXPORT_LIMIT; `X-Audit-Truncated: true` when more matched. Limited per user
 * (RATE_LIMIT_AUDIT_EXPORT, 10 a minute by default).
 */
async function exportAuditLog(req: NextRequest) {
  const session = await sessionRoute(req);
  if (session.response) return session.response;
  const { user, requestId } = session;
  const db = await getDb();
  // Each export reads up to AUDIT_EXPORT_LIMIT rows: a loop of them is a cheap way to load the database.
  const limited = await limitRequest(db, { settings: getEnv().rateLimits, name: 'audit_export', subject: user.id, requestId });
  if (limited) return limited;
  const { filters } = parseAuditSearchParams(req.nextUrl.searchParams);
  const { rows, truncated } = await asUser(db, user.id, (tx) =>
    listAuditLogForExport(tx, { userId: user.id, filters, limit: AUDIT_EXPORT_LIMIT }),
  );
  const day = new Date().toISOString().slice(0, 10);
  return new Response(auditCsv(rows), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="grantkeeper-audit-${day}.csv"`,
      'cache-control': 'no-store',
      'x-audit-rows': String(rows.length),
      'x-audit-truncated': String(truncated),
    },
  });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: exportAuditLog });
