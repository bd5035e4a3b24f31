import 'server-only';
import type { Database, Sql } from '../db';
import { recordAuditEvent } from '../db/audit';
import { enqueueNotification } from '../db/notifications';
import type { ClaimedConnection } from '../db/refresh';
import type { RefreshSettings } from '../env';
import type { NotificationType } from '../notifications/types';
import type { ProviderSlug, ResolvedProvider } from '../providers/types';

export interface RefreshContext {
  db: Database;
  settings: RefreshSettings;
  /** The lease owner this refresher claimed with. */
  owner: string;
  resolveProvider(slug: ProviderSlug): Promise<ResolvedProvider | null>;
  /** 'system' for the sweep, 'user' for Refresh now, 'api_key:<prefix>' for the token API. */
  actor: string;
  requestId?: string | null;
  /** Per provider call; tests shorten it. Defaults to the settings' providerTimeoutMs. */
  providerTimeoutMs?: number;
  /** Where results that could not reach the database are kept (the data directory). */
  dataDir?: string;
}

export type RefreshOutcome =
  | { kind: 'refreshed'; recovered: boolean }
  | { kind: 'retrying'; errorCode: string; retryInSec: number }
  | { kind: 'error'; errorCode: string }
  | { kind: 'needs_reauth'; errorCode: string }
  | { kind: 'rescheduled'; warned: boolean }
  /** New tokens obtained but not yet written: kept encrypted for the next refresher. */
  | { kind: 'deferred' }
  /** The lease was no longer ours before the provider call: nothing was done. */
  | { kind: 'skipped' }
  | { kind: 'lost_lease' };

export function audit(
  sql: Sql,
  ctx: Pick<RefreshContext, 'actor' | 'requestId'>,
  c: Pick<ClaimedConnection, 'user_id' | 'id' | 'provider'>,
  action: string,
  outcome: 'success' | 'failure' | 'info',
  started: number,
  detail: Record<string, unknown>,
) {
  return recordAuditEvent(sql, {
    userId: c.user_id,
    connectionId: c.id,
    actor: ctx.actor,
    action,
    outcome,
    detail: { provider: c.provider, ...detail },
    requestId: ctx.requestId,
    durationMs: Date.now() - started,
  });
}

export function notify(
  sql: Sql,
  c: Pick<ClaimedConnection, 'user_id' | 'id' | 'provider' | 'display_name'>,
  type: NotificationType,
  data: Record<string, unknown>,
) {
  return enqueueNotification(sql, {
    userId: c.user_id,
    connectionId: c.id,
    type,
    data: { connectionId: c.id, provider: c.provider, account: c.display_name, ...data },
  });
}
