import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asUser } from '@/lib/db';
import { enqueueNotification, getNotificationEndpoint } from '@/lib/db/notifications';
import { AppError } from '@/lib/http/errors';
import { listWebhookDeliveries } from '@/lib/notifications/deliveries';
import { deliverDueNotifications } from '@/lib/notifications/deliver';
import { deleteWebhookEndpoint, getWebhookEndpoint, saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { sendTestNotification } from '@/lib/notifications/test-event';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** Anything shaped like a credential: Fernet ciphertext, our API keys, bearer values, token fields. */
const TOKEN_LOOKING = /gAAAAA|gk_[a-z2-7]{8}_|bearer\s+\w|access_?token|refresh_?token|whsec_|super-secret/i;

describe.each(DRIVERS)('webhook notifications on %s', (driver) => {
  let t: TestDatabase;
  let rx: WebhookReceiver;
  let connA: string;
  const clock = { now: Date.now() };
  const now = () => new Date(clock.now);
  const deliver = (owner = 'test', opts: { timeoutMs?: number; limit?: number } = {}) =>
    deliverDueNotifications(t.db, { owner, now, ...opts });
  const delivery = async (id?: string) =>
    (
      await t.db.query<{ id: string; status: string; attempts: number; next_attempt_at: Date; last_status_code: number | null; last_error: string | null }>(
        `select id, status, attempts, next_attempt_at, last_status_code, last_error from webhook_deliveries
          where ($1::uuid is null or id = $1) order by created_at desc limit 1`,
        [id ?? null],
      )
    )[0]!;
  const enqueueFor = (userId: string, connectionId: string | null = null, data: Record<string, unknown> = {}) =>
    enqueueNotification(t.db, { userId, connectionId, type: 'connection.needs_reauth', data: { connectionId, provider: 'x', ...data } });

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    rx = await startWebhookReceiver();
    for (const u of ['user_a', 'user_b', 'user_none']) await insertUser(t.db, u);
    connA = await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'a-1', accessTokenEnc: encryptToken('super-secret-access') });
    const saved = await saveWebhookEndpoint(t.db, { userId: 'user_a', url: rx.url() });
    rx.setSecret(saved.secret);
    await saveWebhookEndpoint(t.db, { userId: 'user_b', url: rx.url('/b') });
  });
  afterAll(async () => {
    await rx.close();
    await t.dispose();
  });
  beforeEach(async () => {
    rx.reset();
    // A second ahead: rows are stamped by the database clock, the deliverer runs on this one.
    clock.now = Date.now() + 1000;
    await t.db.query('delete from webhook_deliveries');
  });

  it('creates the endpoint with a whsec_ secret shown once, stored encrypted; rotation makes a new one', async () => {
    const first = await saveWebhookEndpoint(t.db, { userId: 'user_none', url: 'http://127.0.0.1:1/first' });
    expect(first).toMatchObject({ created: true, url: 'http://127.0.0.1:1/first' });
    expect(first.secret).toMatch(/^whsec_/);
    const stored = await getNotificationEndpoint(t.db, { userId: 'user_none' });
    expect(stored?.secret_enc).toMatch(/^gAAAAA/);
    expect(stored?.secret_enc).not.toContain(first.secret!.slice(6));

    const moved = await saveWebhookEndpoint(t.db, { userId: 'user_none', url: 'http://127.0.0.1:1/second' });
    expect(moved.created).toBe(false);
    expect(moved.secret).toBeUndefined();
    expect((await getNotificationEndpoint(t.db, { userId: 'user_none' }))?.secret_enc).toBe(stored?.secret_enc);

    const rotated = await saveWebhookEndpoint(t.db, { userId: 'user_none', url: 'http://127.0.0.1:1/second', rotateSecret: true });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(first.secret);
    expect(await getWebhookEndpoint(t.db, 'user_none')).toMatchObject({ url: 'http://127.0.0.1:1/second' });

    await deleteWebhookEndpoint(t.db, { userId: 'user_none' });
    expect(await getWebhookEndpoint(t.db, 'user_none')).toBeNull();
    await expect(deleteWebhookEndpoint(t.db, { userId: 'user_none' })).rejects.toMatchObject({ code: 'not_found' });

    const actions = await t.db.query<{ action: string; detail: Record<string, unknown> }>(
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
      const err = await saveWebhookEndpoint(t.db, { userId: 'user_none', url }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('bad_request');
    }
  });

  it('enqueues only for a user with an endpoint, and only if the transaction commits', async () => {
    expect(await enqueueFor('user_none')).toBe(false);
    expect(await enqueueFor('user_a', connA)).toBe(true);
    await t.db
      .transaction(async (tx) => {
        expect(await enqueueNotification(tx, { userId: 'user_a', type: 'connection.error', data: {} })).toBe(true);
        throw new Error('rolled back');
      })
      .catch(() => {});
    const rows = await t.db.query<{ user_id: string; event_type: string }>('select user_id, event_type from webhook_deliveries');
    expect(rows).toEqual([{ user_id: 'user_a', event_type: 'connection.needs_reauth' }]);
  });

  it('keeps each user’s endpoint and deliveries to themselves (RLS)', async () => {
    await enqueueFor('user_a', connA);
    await enqueueFor('user_b');
    const seen = await asUser(t.db, 'user_b', async (tx) => ({
      endpoints: await tx.query<{ user_id: string }>('select user_id from notification_endpoints'),
      deliveries: await tx.query<{ user_id: string }>('select user_id from webhook_deliveries'),
    }));
    expect(seen).toEqual({ endpoints: [{ user_id: 'user_b' }], deliveries: [{ user_id: 'user_b' }] });
    expect((await listWebhookDeliveries(t.db, 'user_b')).every((d) => d.connectionId === null)).toBe(true);
    await expect(
      asUser(t.db, 'user_b', (tx) => tx.query(`insert into webhook_deliveries (user_id, event_type, payload) values ('user_a', 'test', '{}')`)),
    ).rejects.toThrow(/row-level security/);
    const updated = await asUser(t.db, 'user_b', (tx) => tx.query(`update notification_endpoints set url = 'http://evil' where user_id = 'user_a' returning 1`));
    expect(updated).toEqual([]);
  });

  it('delivers a signed event the reference implementation verifies, with no token in it', async () => {
    await enqueueFor('user_a', connA, {
      account: 'Acme',
      accessToken: 'super-secret-access',
      note: 'Authorization: Bearer super-secret-access',
      status: 'needs_reauth',
    });
    expect(await deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe((await delivery()).id);
    expect(got.body).not.toMatch(TOKEN_LOOKING);
    expect(JSON.parse(got.body)).toMatchObject({
      type: 'connection.needs_reauth',
      data: { connectionId: connA, provider: 'x', account: 'Acme', status: 'needs_reauth' },
    });
    expect(await delivery()).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 204, last_error: null });
    const [audit] = await t.db.query<{ action: string; outcome: string; connection_id: string }>(
      `select action, outcome, connection_id from audit_events where action like 'notification.%' order by id desc limit 1`,
    );
    expect(audit).toEqual({ action: 'notification.delivered', outcome: 'success', connection_id: connA });
    expect(await deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
  });

  it('retries a 500 with backoff, then delivers with the same webhook-id', async () => {
    rx.respondWith({ status: 500, body: 'upstream broke' }, { status: 200 });
    await enqueueFor('user_a', connA);
    expect(await deliver()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const after1 = await delivery();
    expect(after1).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP error 500: upstream broke' });
    const wait = after1.next_attempt_at.getTime() - clock.now;
    expect(wait).toBeGreaterThanOrEqual(24_000 - 1);
    expect(wait).toBeLessThanOrEqual(36_000 + 1);

    expect(await deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    clock.now += 37_000;
    expect(await deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await delivery()).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200, last_error: null });
    expect(rx.received.map((r) => r.verified)).toEqual([true, true]);
    expect(rx.received[0]!.headers['webhook-id']).toBe(rx.received[1]!.headers['webhook-id']);
  });

  it('honours Retry-After on 429', async () => {
    rx.respondWith({ status: 429, headers: { 'retry-after': '120' } });
    await enqueueFor('user_a', connA);
    expect(await deliver()).toMatchObject({ retrying: 1 });
    expect((await delivery()).next_attempt_at.getTime() - clock.now).toBe(120_000);
    clock.now += 100_000;
    expect(await deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    clock.now += 20_000;
    expect(await deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
  });

  it('gives up after 6 attempts: failed and audited', async () => {
    rx.setFallback({ status: 503 });
    await enqueueFor('user_a', connA);
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(await deliver());
      // Time travel in the database, so the receiver still sees fresh, verifiable timestamps.
      await t.db.query(`update webhook_deliveries set next_attempt_at = next_attempt_at - interval '7 hours'`);
    }
    expect(results.slice(0, 5).every((r) => r.retrying === 1)).toBe(true);
    expect(results[5]).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(await delivery()).toMatchObject({ status: 'failed', attempts: 6, last_status_code: 503 });
    expect(rx.received).toHaveLength(6);
    expect(rx.received.every((r) => r.verified)).toBe(true);
    expect(await deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    const [audit] = await t.db.query<{ action: string; outcome: string; detail: Record<string, unknown> }>(
      `select action, outcome, detail from audit_events where action like 'notification.%' order by id desc limit 1`,
    );
    expect(audit).toMatchObject({ action: 'notification.failed', outcome: 'failure', detail: { attempts: 6, statusCode: 503 } });
  });

  it('does not follow redirects, and times out a receiver that never answers', async () => {
    rx.respondWith({ status: 302, headers: { location: rx.url('/elsewhere') } }, { status: 200, hang: true });
    await enqueueFor('user_a', connA);
    expect(await deliver()).toMatchObject({ retrying: 1 });
    expect(await delivery()).toMatchObject({ last_status_code: 302, last_error: 'redirect not followed 302' });
    expect(rx.received.map((r) => r.path)).toEqual(['/hooks']);
    clock.now += 40_000;
    expect(await deliver('test', { timeoutMs: 300 })).toMatchObject({ retrying: 1 });
    expect(await delivery()).toMatchObject({ attempts: 2, last_status_code: null, last_error: 'timed out after 300 ms' });
  });

  it('fails pending deliveries whose endpoint was removed, without sending', async () => {
    await saveWebhookEndpoint(t.db, { userId: 'user_none', url: rx.url('/none') });
    await enqueueFor('user_none');
    await deleteWebhookEndpoint(t.db, { userId: 'user_none' });
    expect(await deliver()).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(await delivery()).toMatchObject({ status: 'failed', last_error: 'endpoint removed' });
    expect(rx.received).toHaveLength(0);
  });

  it('sends a test event now and reports the outcome; lists deliveries without secrets', async () => {
    const result = await sendTestNotification(t.db, { userId: 'user_a' });
    expect(result).toMatchObject({ status: 'delivered', statusCode: 204, attempts: 1 });
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.verified).toBe(true);
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ type: 'test' });

    rx.respondWith({ status: 500 });
    expect(await sendTestNotification(t.db, { userId: 'user_a' })).toMatchObject({ status: 'retrying', statusCode: 500 });
    await expect(sendTestNotification(t.db, { userId: 'user_none' })).rejects.toMatchObject({ code: 'not_found' });

    const list = await listWebhookDeliveries(t.db, 'user_a');
    expect(list.map((d) => [d.type, d.status, d.attempts])).toEqual([
      ['test', 'pending', 1],
      ['test', 'delivered', 1],
    ]);
    expect(list[0]?.nextAttemptAt).toBeInstanceOf(Date);
    expect(JSON.stringify(list)).not.toMatch(/whsec_|gAAAAA|secret_enc|lease/);
  });

  it.runIf(driver === 'postgres')('delivers each event exactly once to concurrent deliverers', async () => {
    rx.setSecret(undefined);
    rx.setFallback({ status: 200, delayMs: 5 });
    const users = Array.from({ length: 20 }, (_, i) => `user_c${i}`);
    for (const u of users) {
      await insertUser(t.db, u);
      await saveWebhookEndpoint(t.db, { userId: u, url: rx.url(`/${u}`) });
      for (let i = 0; i < 4; i++) await enqueueFor(u);
    }
    // Several instances sweeping at once, each claiming small batches until nothing is left.
    const drain = async (owner: string) => {
      let delivered = 0;
      for (;;) {
        const r = await deliverDueNotifications(t.db, { owner, limit: 3 });
        if (r.delivered + r.retrying + r.failed === 0) return delivered;
        delivered += r.delivered;
      }
    };
    const perCaller = await Promise.all(Array.from({ length: 6 }, (_, i) => drain(`instance-${i}`)));
    expect(perCaller.reduce((a, b) => a + b, 0)).toBe(80);
    expect(perCaller.filter((n) => n > 0).length).toBeGreaterThan(1);
    const ids = rx.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(80);
    expect(new Set(ids).size).toBe(80);
    const [counts] = await t.db.query<{ delivered: string; audited: string }>(
      `select (select count(*) from webhook_deliveries where status = 'delivered')::text as delivered,
              (select count(*) from audit_events where action = 'notification.delivered' and user_id like 'user_c%')::text as audited`,
    );
    expect(counts).toEqual({ delivered: '80', audited: '80' });
  });
});
