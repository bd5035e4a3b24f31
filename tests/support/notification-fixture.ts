import { afterAll, beforeAll, beforeEach } from 'vitest';
import { enqueueNotification } from '@/lib/db/notifications';
import { deliverDueNotifications } from '@/lib/notifications/deliver';
import { saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type Driver, type TestDatabase } from './databases';
import { insertConnection, insertUser } from './fixtures';
import { allowPrivateWebhooks } from './private-webhooks';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** Anything shaped like a credential: Fernet ciphertext, our API keys, bearer values, token fields. */
export const TOKEN_LOOKING = /gAAAAA|gk_[a-z2-7]{8}_|bearer\s+\w|access_?token|refresh_?token|whsec_|super-secret/i;

export interface DeliveryState {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
}

/**
 * A migrated database with users `user_a` (endpoint on the receiver, signed with a secret the
 * receiver verifies, and a connection whose stored token must never leak), `user_b` (endpoint) and
 * `user_none` (no endpoint); a test clock; deliveries emptied before each test.
 */
export function useNotificationFixture(driver: Driver) {
  // The receiver listens on 127.0.0.1, which webhooks may reach only when explicitly allowed.
  allowPrivateWebhooks();
  const ctx = {
    t: undefined as unknown as TestDatabase,
    rx: undefined as unknown as WebhookReceiver,
    connA: '',
    clock: { now: Date.now() },
    now: () => new Date(ctx.clock.now),
    deliver: (owner = 'test', opts: { timeoutMs?: number; limit?: number } = {}) =>
      deliverDueNotifications(ctx.t.db, { owner, now: ctx.now, ...opts }),
    /** The newest delivery's state. */
    delivery: async (): Promise<DeliveryState> =>
      (
        await ctx.t.db.query<DeliveryState>(
          `select id, status, attempts, next_attempt_at, last_status_code, last_error from webhook_deliveries
            order by created_at desc limit 1`,
        )
      )[0]!,
    enqueueFor: (userId: string, connectionId: string | null = null, data: Record<string, unknown> = {}) =>
      enqueueNotification(ctx.t.db, {
        userId,
        connectionId,
        type: 'connection.needs_reauth',
        data: { connectionId, provider: 'x', ...data },
      }),
  };

  beforeAll(async () => {
    ctx.t = await createTestDatabase(driver);
    ctx.rx = await startWebhookReceiver();
    for (const u of ['user_a', 'user_b', 'user_none']) await insertUser(ctx.t.db, u);
    ctx.connA = await insertConnection(ctx.t.db, {
      userId: 'user_a',
      externalAccountId: 'a-1',
      accessTokenEnc: encryptToken('super-secret-access'),
    });
    const saved = await saveWebhookEndpoint(ctx.t.db, { userId: 'user_a', url: ctx.rx.url() });
    ctx.rx.setSecret(saved.secret);
    await saveWebhookEndpoint(ctx.t.db, { userId: 'user_b', url: ctx.rx.url('/b') });
  });
  afterAll(async () => {
    await ctx.rx.close();
    await ctx.t.dispose();
  });
  beforeEach(async () => {
    ctx.rx.reset();
    // A second ahead: rows are stamped by the database clock, the deliverer runs on this one.
    ctx.clock.now = Date.now() + 1000;
    await ctx.t.db.query('delete from webhook_deliveries');
  });
  return ctx;
}
