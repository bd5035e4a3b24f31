import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueNotification, upsertNotificationEndpoint } from '@/lib/db/notifications';
import { AppError } from '@/lib/http/errors';
import { deliverDueNotifications } from '@/lib/notifications/deliver';
import { DELIVERY_ERROR } from '@/lib/notifications/delivery-errors';
import { encryptToken } from '@/lib/tokens/keys';
import { listWebhookDeliveries } from '@/lib/notifications/deliveries';
import { getWebhookEndpoint, saveWebhookEndpoint, WEBHOOK_HOST_REFUSED } from '@/lib/notifications/endpoint';
import { sendTestNotification } from '@/lib/notifications/test-event';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * The deployment default (WEBHOOK_ALLOW_PRIVATE unset): webhooks never reach loopback or private
 * addresses, neither by the URL saved nor by what its name resolves to when the event is sent.
 * Names resolve through a stub; the one receiver listens on 127.0.0.1 and must hear nothing.
 */
const BLOCKED = DELIVERY_ERROR.blocked;
const HOST_REFUSED = DELIVERY_ERROR.hostRefused;

describe.each(DRIVERS)('webhook address policy on %s', (driver) => {
  let t: TestDatabase;
  let rx: WebhookReceiver;
  /** What `rebind.test` resolves to right now: public when saved, loopback when delivered. */
  const dns: Record<string, string[]> = {};
  const resolveHost = async (name: string) => {
    const found = dns[name];
    if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return found;
  };

  beforeAll(async () => {
    expect(process.env.WEBHOOK_ALLOW_PRIVATE ?? 'off').toBe('off');
    t = await createTestDatabase(driver);
    rx = await startWebhookReceiver();
    await insertUser(t.db, 'user_p');
  });
  afterAll(async () => {
    await rx.close();
    await t.dispose();
  });
  beforeEach(async () => {
    rx.reset();
    await t.db.query('delete from webhook_deliveries');
    await t.db.query('delete from notification_endpoints');
  });

  it('refuses to save a URL that is, or resolves to, a private address; nothing is stored', async () => {
    dns['internal.test'] = ['10.0.0.5'];
    dns['mixed.test'] = ['93.184.215.14', '127.0.0.1'];
    const urls = [
      rx.url(),
      'http://localhost:8080/hooks',
      'http://[::1]/hooks',
      'http://2130706433/hooks',
      'http://0x7f000001/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/',
      'http://[::ffff:127.0.0.1]/',
      'http://internal.test/hooks',
      'https://mixed.test/hooks',
    ];
    for (const url of urls) {
      const err = await saveWebhookEndpoint(t.db, { userId: 'user_p', url, resolveHost }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AppError);
      expect((err as AppError).code, url).toBe('bad_request');
      expect((err as AppError).message, url).toBe(WEBHOOK_HOST_REFUSED);
    }
    expect(await getWebhookEndpoint(t.db, 'user_p')).toBeNull();
    const audited = await t.db.query(`select 1 from audit_events where user_id = 'user_p' and action like 'notification_endpoint.%'`);
    expect(audited).toEqual([]);
    expect(rx.received).toHaveLength(0);
  });

  it('refuses a name that does not resolve exactly as one that resolves to a private address: no probing the internal DNS', async () => {
    dns['db.internal.test'] = ['10.0.0.7'];
    const refusal = async (url: string) => {
      const err = await saveWebhookEndpoint(t.db, { userId: 'user_p', url, resolveHost }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AppError);
      const { code, message } = err as AppError;
      return { code, message };
    };
    const internal = await refusal('https://db.internal.test/');
    const missing = await refusal('https://nowhere.internal.test/');
    expect(missing).toEqual(internal);
    expect(internal).toEqual({ code: 'bad_request', message: WEBHOOK_HOST_REFUSED });
  });

  it('blocks at delivery a URL that was public when saved but resolves to loopback now', async () => {
    dns['rebind.test'] = ['93.184.215.14'];
    const url = rx.url().replace('127.0.0.1', 'rebind.test');
    await saveWebhookEndpoint(t.db, { userId: 'user_p', url, resolveHost });
    expect(await getWebhookEndpoint(t.db, 'user_p')).toMatchObject({ url });

    dns['rebind.test'] = ['127.0.0.1'];
    await enqueueNotification(t.db, { userId: 'user_p', type: 'connection.error', data: { provider: 'x' } });
    // Retried like a name that does not resolve (below): DNS decided, and DNS may change back.
    expect(await deliverDueNotifications(t.db, { owner: 'test', resolveHost })).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(rx.received).toHaveLength(0);
    const [row] = await t.db.query<{ status: string; attempts: number; last_status_code: number | null; last_error: string }>(
      'select status, attempts, last_status_code, last_error from webhook_deliveries',
    );
    expect(row).toEqual({ status: 'pending', attempts: 1, last_status_code: null, last_error: HOST_REFUSED });

    const test = await sendTestNotification(t.db, { userId: 'user_p', resolveHost });
    expect(test).toMatchObject({ status: 'retrying', statusCode: null, error: HOST_REFUSED });
    expect(rx.received).toHaveLength(0);
    expect((await listWebhookDeliveries(t.db, 'user_p')).map((d) => d.lastError)).toEqual([HOST_REFUSED, HOST_REFUSED]);
  });

  it('at delivery, a name re-pointed to an internal name that exists and to one that does not read the same: no probing the internal DNS', async () => {
    dns['probe.test'] = ['93.184.215.14'];
    await saveWebhookEndpoint(t.db, { userId: 'user_p', url: 'https://probe.test/hooks', resolveHost });
    const deliverAs = async (answer: string[] | undefined) => {
      if (answer) dns['probe.test'] = answer;
      else delete dns['probe.test'];
      const outcome = await sendTestNotification(t.db, { userId: 'user_p', resolveHost });
      // The id and the jittered time of the next try differ between any two deliveries.
      const { deliveryId: _id, nextAttemptAt: _next, ...seen } = outcome as { deliveryId: string; nextAttemptAt?: Date };
      return seen;
    };
    const exists = await deliverAs(['10.0.0.7']);
    const missing = await deliverAs(undefined);
    expect(missing).toEqual(exists);
    expect(exists).toMatchObject({ status: 'retrying', statusCode: null, error: HOST_REFUSED });
    const rows = await t.db.query<{ status: string; attempts: number; last_error: string }>('select status, attempts, last_error from webhook_deliveries');
    expect(rows).toEqual([
      { status: 'pending', attempts: 1, last_error: HOST_REFUSED },
      { status: 'pending', attempts: 1, last_error: HOST_REFUSED },
    ]);
  });

  it('a literal private address is refused for good at delivery: no DNS was asked, so nothing is told', async () => {
    await upsertNotificationEndpoint(t.db, { userId: 'user_p', url: 'https://10.0.0.1/hook', secretEnc: encryptToken('whsec-literal'), rotateSecret: true });
    expect(await sendTestNotification(t.db, { userId: 'user_p', resolveHost })).toMatchObject({ status: 'failed', statusCode: null, error: BLOCKED });
    expect((await listWebhookDeliveries(t.db, 'user_p')).map((d) => d.lastError)).toEqual([BLOCKED]);
  });

  it('shows only a status for deliveries recorded with the receiver’s answer by earlier versions', async () => {
    dns['public.test'] = ['93.184.215.14'];
    await saveWebhookEndpoint(t.db, { userId: 'user_p', url: 'https://public.test/hooks', resolveHost });
    await enqueueNotification(t.db, { userId: 'user_p', type: 'test', data: {} });
    await t.db.query(`update webhook_deliveries set attempts = 1, last_status_code = 500, last_error = 'HTTP error 500: redis NOAUTH hunter2'`);
    const [listed] = await listWebhookDeliveries(t.db, 'user_p');
    expect(listed).toMatchObject({ lastStatusCode: 500, lastError: 'Receiver answered 500' });
  });
});
