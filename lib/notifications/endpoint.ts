import 'server-only';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { deleteNotificationEndpoint, getNotificationEndpoint, upsertNotificationEndpoint } from '../db/notifications';
import { getEnv } from '../env';
import { AppError } from '../http/errors';
import { getLogger } from '../log';
import { encryptToken } from '../tokens/keys';
import { DELIVERY_TIMEOUT_MS } from './attempt';
import { DELIVERY_ERROR } from './delivery-errors';
import { generateWebhookSecret } from './sign';
import { describeWebhookUrl, webhookUrlSchema } from './url';
import { currentAddressPolicy, resolveWebhookTarget, type HostResolver } from './webhook-target';

/** The user's endpoint as they see it; the signing secret is never read back. */
export interface WebhookEndpoint {
  url: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SavedWebhookEndpoint extends WebhookEndpoint {
  created: boolean;
  /** The `whsec_` secret, present only when it was just made (creation or rotation): shown once. */
  secret?: string;
}

export async function getWebhookEndpoint(db: Database, userId: string): Promise<WebhookEndpoint | null> {
  const row = await asUser(db, userId, (tx) => getNotificationEndpoint(tx, { userId }));
  return row ? { url: row.url, createdAt: row.created_at, updatedAt: row.updated_at } : null;
}

/** Validates a URL against this deployment's rules; throws AppError('bad_request') with the reason. */
export function parseWebhookUrl(raw: unknown): string {
  const parsed = webhookUrlSchema({ production: getEnv().nodeEnv === 'production' }).safeParse(raw);
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid URL.');
  return parsed.data;
}

/** The one refusal a user gets for a host webhooks may not use, whatever the reason (checkWebhookTarget). */
export const WEBHOOK_HOST_REFUSED = `${DELIVERY_ERROR.hostRefused}. Webhooks go only to public hosts; check the URL.`;

/**
 * Refuses a URL whose host is, or resolves to, an address webhooks may not reach. Checked again at
 * every delivery (DNS can change after saving); this check tells the user now rather than later.
 * "Private address" and "does not resolve" read the same: told apart, they would let a user list
 * which names exist in the server's internal DNS. Which one it was goes to the server log only.
 */
export async function checkWebhookTarget(url: string, opts: { resolveHost?: HostResolver } = {}): Promise<void> {
  const target = await resolveWebhookTarget(url, {
    policy: currentAddressPolicy(),
    resolve: opts.resolveHost,
    timeoutMs: DELIVERY_TIMEOUT_MS,
  });
  if (target.ok) return;
  getLogger().info({ reason: target.reason, origin: describeWebhookUrl(url) }, 'webhook URL refused');
  throw new AppError('bad_request', WEBHOOK_HOST_REFUSED);
}

/**
 * Creates or replaces the endpoint. A secret is made on creation or when asked to rotate; changing
 * only the URL keeps the old secret so the receiver keeps verifying. Audited with the URL's origin
 * only: paths and queries of webhook URLs often carry the receiver's own secret.
 */
export async function saveWebhookEndpoint(
  db: Database,
  input: {
    userId: string;
    url: string;
    rotateSecret?: boolean;
    requestId?: string | null;
    /** Tests resolve names with a stub; the system resolver by default. */
    resolveHost?: HostResolver;
  },
): Promise<SavedWebhookEndpoint> {
  const url = parseWebhookUrl(input.url);
  await checkWebhookTarget(url, input);
  const secret = generateWebhookSecret();
  const rotate = input.rotateSecret === true;
  const row = await asUser(db, input.userId, async (tx) => {
    const saved = await upsertNotificationEndpoint(tx, {
      userId: input.userId,
      url,
      secretEnc: encryptToken(secret),
      rotateSecret: rotate,
    });
    await recordAuditEvent(tx, {
      userId: input.userId,
      actor: 'user',
      action: saved.inserted ? 'notification_endpoint.created' : 'notification_endpoint.updated',
      outcome: 'success',
      detail: { origin: describeWebhookUrl(url), rotated: rotate && !saved.inserted },
      requestId: input.requestId,
    });
    return saved;
  });
  return {
    url: row.url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    created: row.inserted,
    ...(row.inserted || rotate ? { secret } : {}),
  };
}

/** Removes the endpoint; deliveries still pending end as failed ("endpoint removed") on their next run. */
export async function deleteWebhookEndpoint(
  db: Database,
  input: { userId: string; requestId?: string | null },
): Promise<void> {
  await asUser(db, input.userId, async (tx) => {
    const deleted = await deleteNotificationEndpoint(tx, { userId: input.userId });
    if (!deleted) throw new AppError('not_found', 'No webhook endpoint is set.');
    await recordAuditEvent(tx, {
      userId: input.userId,
      actor: 'user',
      action: 'notification_endpoint.deleted',
      outcome: 'success',
      requestId: input.requestId,
    });
  });
}
