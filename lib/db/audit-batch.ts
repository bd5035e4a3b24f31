import 'server-only';
import { sanitizeDetail, type AuditEvent } from './audit';
import type { Sql } from './types';

/** Appends many audit events in one statement (token reads are batched; see lib/audit-buffer). */
export async function recordAuditEvents(sql: Sql, events: (AuditEvent & { at: Date })[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `insert into audit_events (user_id, connection_id, actor, action, outcome, detail, request_id, duration_ms, created_at)
     select * from unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]::jsonb[],
                          $7::text[], $8::int[], $9::timestamptz[])`,
    [
      events.map((e) => e.userId),
      events.map((e) => e.connectionId ?? null),
      events.map((e) => e.actor),
      events.map((e) => e.action),
      events.map((e) => e.outcome),
      events.map((e) => JSON.stringify(sanitizeDetail(e.detail ?? {}))),
      events.map((e) => e.requestId ?? null),
      events.map((e) => e.durationMs ?? null),
      events.map((e) => e.at.toISOString()),
    ],
  );
}
