import { describe, expect, it } from 'vitest';
import { asUser } from '@/lib/db';
import { enqueueNotification, getNotificationEndpoint } from '@/lib/db/notifications';
import { AppError } from '@/lib/http/errors';
import { listWebhookDeliveries } from '@/lib/notifications/deliveries';
import { deleteWebhookEndpoint, getWebhookEndpoint, saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { sendTestNotification } from '@/lib/notifications/test-event';
import { DRIVERS } from '../support/databases';
import { useNotificationFixture } from '../support/notification-fixture';

/** The user's webhook endpoint, the outbox insert, RLS, and "send a test event". Delivery: notification-delivery.test.ts. */
describe.each(DRIVERS)('webhook endpoints and the outbox on %s', (driver) => {
  const f = useNotificationFixture(driver);

  it('creates the endpoint with a whsec_ secret shown once, stored encrypted; rotation makes a new one', async () => {
    const first = await saveWebhookEndpoint(f.t.db, { userId: 'user_none', url: 'http://127.0.0.1:1/first' });
    expect(first).toMatchObject({ created: true, url: 'http://127.0.0.1:1/first' });
    expect(first.secret).toMatch(/^whsec_/);
    const stored = await getNotificationEndpoint(f.t.db, { userId: 'user_none' });
    expect(stored?.secret_enc).toMatch(/^gAAAAA/);
    expect(stored?.secret_enc).not.toContain(first.secret!.slice(6));

    const moved = await saveWebhookEndpoint(f.t.db, { userId: 'user_none', url: 'http://127.0.0.1:1/second' });
    expect(moved.created).toBe(false);
    expect(moved.secret).toBeUndefined();
    expect((await getNotificationEndpoint(f.t.db, { userId: 'user_none' }))?.secret_enc).toBe(stored?.secret_enc);

    const rotated = await saveWebhookEndpoint(f.t.db, { userId: 'user_none', url: 'http://127.0.0.1:1/second', rotateSecret: true });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(first.secret);
    expect(await getWebhookEndpoint(f.t.db, 'user_none')).toMatchObject({ url: 'http://127.0.0.1:1/second' });

    await deleteWebhookEndpoint(f.t.db, { userId: 'user_none' });
    expect(await getWebhookEndpoint(f.t.db, 'user_none')).toBeNull();
    await expect(deleteWebhookEndpoint(f.t.db, { userId: 'user_none' })).rejects.toMatchObject({ code: 'not_found' });

    const actions = await f.t.db.query<{ action: string; detail: Record<string, unknown> }>(
      `select action, detail from audit_events where user_id = 'user_none' order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'notification_endpoint.created',
      'notification_endpoint.updated',
      'notification_endpoint.updated',
      'notification_endpoint.deleted',
    ]);
    expect(actions[2]?.detail).toEqual({ origin: 'http://127.0.0.1:1', rotated: true });
    expect(JSON.stringify(actions)).not.toMatch(/whsec_|gAAAAA|second/);
  });

  it('refuses invalid URLs', async () => {
    for (const url of ['ftp://example.com/x', 'https://u:p@example.com/x', 'not a url', `https://e.com/${'a'.repeat(2100)}`]) {
      const err = await saveWebhookEndpoint(f.t.db, { userId: 'user_none', url }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('bad_request');
    }
  });

  it('enqueues only for a user with an endpoint, and only if the transaction commits', async () => {
    expect(await f.enqueueFor('user_none')).toBe(false);
    expect(await f.enqueueFor('user_a', f.connA)).toBe(true);
    await f.t.db
      .transaction(async (tx) => {
        expect(await enqueueNotification(tx, { userId: 'user_a', type: 'connection.error', data: {} })).toBe(true);
        throw new Error('rolled back');
      })
      .catch(() => {});
    const rows = await f.t.db.query<{ user_id: string; event_type: string }>('select user_id, event_type from webhook_deliveries');
    expect(rows).toEqual([{ user_id: 'user_a', event_type: 'connection.needs_reauth' }]);
  });

  it('keeps each user’s endpoint and deliveries to themselves (RLS)', async () => {
    await f.enqueueFor('user_a', f.connA);
    await f.enqueueFor('user_b');
    const seen = await asUser(f.t.db, 'user_b', async (tx) => ({
      endpoints: await tx.query<{ user_id: string }>('select user_id from notification_endpoints'),
      deliveries: await tx.query<{ user_id: string }>('select user_id from webhook_deliveries'),
    }));
    expect(seen).toEqual({ endpoints: [{ user_id: 'user_b' }], deliveries: [{ user_id: 'user_b' }] });
    expect((await listWebhookDeliveries(f.t.db, 'user_b')).every((d) => d.connectionId === null)).toBe(true);
    await expect(
      asUser(f.t.db, 'user_b', (tx) => tx.query(`insert into webhook_deliveries (user_id, event_type, payload) values ('user_a', 'test', '{}')`)),
    ).rejects.toThrow(/row-level security/);
    const updated = await asUser(f.t.db, 'user_b', (tx) => tx.query(`update notification_endpoints set url = 'http://evil' where user_id = 'user_a' returning 1`));
    expect(updated).toEqual([]);
  });

  it('fails pending deliveries whose endpoint was removed, without sending', async () => {
    await saveWebhookEndpoint(f.t.db, { userId: 'user_none', url: f.rx.url('/none') });
    await f.enqueueFor('user_none');
    await deleteWebhookEndpoint(f.t.db, { userId: 'user_none' });
    expect(await f.deliver()).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(await f.delivery()).toMatchObject({ status: 'failed', last_error: 'endpoint removed' });
    expect(f.rx.received).toHaveLength(0);
  });

  it('sends a test event now and reports the outcome; lists deliveries without secrets', async () => {
    const result = await sendTestNotification(f.t.db, { userId: 'user_a' });
    expect(result).toMatchObject({ status: 'delivered', statusCode: 204, attempts: 1 });
    expect(f.rx.received).toHaveLength(1);
    expect(f.rx.received[0]!.verified).toBe(true);
    expect(JSON.parse(f.rx.received[0]!.body)).toMatchObject({ type: 'test' });

    f.rx.respondWith({ status: 500 });
    expect(await sendTestNotification(f.t.db, { userId: 'user_a' })).toMatchObject({ status: 'retrying', statusCode: 500 });
    await expect(sendTestNotification(f.t.db, { userId: 'user_none' })).rejects.toMatchObject({ code: 'not_found' });

    const list = await listWebhookDeliveries(f.t.db, 'user_a');
    expect(list.map((d) => [d.type, d.status, d.attempts])).toEqual([
      ['test', 'pending', 1],
      ['test', 'delivered', 1],
    ]);
    expect(list[0]?.nextAttemptAt).toBeInstanceOf(Date);
    expect(JSON.stringify(list)).not.toMatch(/whsec_|gAAAAA|secret_enc|lease/);
  });
});
