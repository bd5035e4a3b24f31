import 'server-only';
import type { Sql } from './types';

/** How long a processed `svix-id` is remembered (see the migration for why three days). */
export const CLERK_WEBHOOK_ID_RETENTION_HOURS = 72;

/**
 * Records a Svix message id as processed. Call inside the transaction that applies the event:
 * false means it was processed already (or is being processed right now by a concurrent
 * delivery, which this call waits for), so the event must not be applied again.
 */
export async function claimClerkWebhookId(tx: Sql, params: { svixId: string; eventType: string }): Promise<boolean> {
  const rows = await tx.query(
    `insert into clerk_webhook_events (svix_id, event_type) values ($1, $2)
     on conflict (svix_id) do nothing returning 1`,
    [params.svixId, params.eventType],
  );
  return rows.length === 1;
}

/** Forgets ids older than the retention; cheap (indexed), run with each webhook. */
export async function deleteExpiredClerkWebhookIds(sql: Sql): Promise<number> {
  const rows = await sql.query(
    `delete from clerk_webhook_events where processed_at < now() - make_interval(hours => $1) returning 1`,
    [CLERK_WEBHOOK_ID_RETENTION_HOURS],
  );
  return rows.length;
}
