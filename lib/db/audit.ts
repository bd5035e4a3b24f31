import 'server-only';
import { scrubSecrets } from '../log';
import type { Sql } from './types';

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'info';

export interface AuditEvent {
  userId: string | null;
  connectionId?: string | null;
  /** 'user', 'system', or 'api_key:<prefix>' */
  actor: string;
  action: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
  requestId?: string | null;
  durationMs?: number | null;
}

/** Keys whose values are never written to an audit row, whatever the caller passes. */
const SECRET_KEY = /token|secret|code_verifier|verifier|password|authorization|cookie|^code$|api_?key/i;

/** Copies `detail` without credentials: secret-named keys dropped, strings scrubbed. */
export function sanitizeDetail(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[truncated]';
  if (typeof value === 'string') return scrubSecrets(value).slice(0, 500);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => sanitizeDetail(v, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value)
        // A boolean cannot carry a credential, so facts like `tokensErased: true` survive.
        .filter(([k, v]) => typeof v === 'boolean' || !SECRET_KEY.test(k))
        .map(([k, v]) => [k, sanitizeDetail(v, depth + 1)]),
    );
  }
  return value;
}

/** Appends one event; call it inside the transaction that makes the change it records. */
export async function recordAuditEvent(sql: Sql, event: AuditEvent): Promise<void> {
  await sql.query(
    `insert into audit_events (user_id, connection_id, actor, action, outcome, detail, request_id, duration_ms)
     values ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8)`,
    // ::text first: postgres.js would JSON-encode a string bound to a jsonb parameter a second time.
    [
      event.userId,
      event.connectionId ?? null,
      event.actor,
      event.action,
      event.outcome,
      JSON.stringify(sanitizeDetail(event.detail ?? {})),
      event.requestId ?? null,
      event.durationMs ?? null,
    ],
  );
}
