import { describe, expect, it } from 'vitest';
import { deliverDueNotifications } from '@/lib/notifications/deliver';
import { saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { DRIVERS } from '../support/databases';
import { insertUser } from '../support/fixtures';
import { TOKEN_LOOKING, useNotificationFixture } from '../support/notification-fixture';

/** Delivering to a real HTTP receiver that verifies with the reference `standardwebhooks` package. */
describe.each(DRIVERS)('webhook delivery on %s', (driver) => {
  const f = useNotificationFixture(driver);

  it('delivers a signed event the reference implementation verifies, with no token in it', async () => {
    await f.enqueueFor('user_a', f.connA, {
      account: 'Acme',
      accessToken: 'super-secret-access',
      note: 'Authorization: Bearer super-secret-access',
      status: 'needs_reauth',
    });
    expect(await f.deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(f.rx.received).toHaveLength(1);
    const got = f.rx.received[0]!;
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe((await f.delivery()).id);
    expect(got.body).not.toMatch(TOKEN_LOOKING);
    expect(JSON.parse(got.body)).toMatchObject({
      type: 'connection.needs_reauth',
      data: { connectionId: f.connA, provider: 'x', account: 'Acme', status: 'needs_reauth' },
    });
    expect(await f.delivery()).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 204, last_error: null });
    const [audit] = await f.t.db.query<{ action: string; outcome: string; connection_id: string }>(
      `select action, outcome, connection_id from audit_events where action like 'notification.%' order by id desc limit 1`,
    );
    expect(audit).toEqual({ action: 'notification.delivered', outcome: 'success', connection_id: f.connA });
    expect(await f.deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
  });

  it('retries a 500 with backoff, then delivers with the same webhook-id', async () => {
    f.rx.respondWith({ status: 500, body: 'upstream broke' }, { status: 200 });
    await f.enqueueFor('user_a', f.connA);
    expect(await f.deliver()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const after1 = await f.delivery();
    expect(after1).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'Receiver answered 500' });
    const wait = after1.next_attempt_at.getTime() - f.clock.now;
    expect(wait).toBeGreaterThanOrEqual(24_000 - 1);
    expect(wait).toBeLessThanOrEqual(36_000 + 1);

    expect(await f.deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    f.clock.now += 37_000;
    expect(await f.deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await f.delivery()).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200, last_error: null });
    expect(f.rx.received.map((r) => r.verified)).toEqual([true, true]);
    expect(f.rx.received[0]!.headers['webhook-id']).toBe(f.rx.received[1]!.headers['webhook-id']);
  });

  it('honours Retry-After on 429', async () => {
    f.rx.respondWith({ status: 429, headers: { 'retry-after': '120' } });
    await f.enqueueFor('user_a', f.connA);
    expect(await f.deliver()).toMatchObject({ retrying: 1 });
    expect((await f.delivery()).next_attempt_at.getTime() - f.clock.now).toBe(120_000);
    f.clock.now += 100_000;
    expect(await f.deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    f.clock.now += 20_000;
    expect(await f.deliver()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
  });

  it('gives up after 6 attempts: failed and audited', async () => {
    f.rx.setFallback({ status: 503 });
    await f.enqueueFor('user_a', f.connA);
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(await f.deliver());
      // Time travel in the database (8 h > 6 h + 20 % jitter), so the receiver still sees fresh timestamps.
      await f.t.db.query(`update webhook_deliveries set next_attempt_at = next_attempt_at - interval '8 hours'`);
    }
    expect(results.slice(0, 5).every((r) => r.retrying === 1)).toBe(true);
    expect(results[5]).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(await f.delivery()).toMatchObject({ status: 'failed', attempts: 6, last_status_code: 503 });
    expect(f.rx.received).toHaveLength(6);
    expect(f.rx.received.every((r) => r.verified)).toBe(true);
    expect(await f.deliver()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    const [audit] = await f.t.db.query<{ action: string; outcome: string; detail: Record<string, unknown> }>(
      `select action, outcome, detail from audit_events where action like 'notification.%' order by id desc limit 1`,
    );
    expect(audit).toMatchObject({ action: 'notification.failed', outcome: 'failure', detail: { attempts: 6, statusCode: 503 } });
  });

  it('does not follow redirects, and times out a receiver that never answers', async () => {
    f.rx.respondWith({ status: 302, headers: { location: f.rx.url('/elsewhere') } }, { status: 200, hang: true });
    await f.enqueueFor('user_a', f.connA);
    expect(await f.deliver()).toMatchObject({ retrying: 1 });
    expect(await f.delivery()).toMatchObject({ last_status_code: 302, last_error: 'Receiver answered 302 (redirects are not followed)' });
    expect(f.rx.received.map((r) => r.path)).toEqual(['/hooks']);
    f.clock.now += 40_000;
    expect(await f.deliver('test', { timeoutMs: 300 })).toMatchObject({ retrying: 1 });
    expect(await f.delivery()).toMatchObject({ attempts: 2, last_status_code: null, last_error: 'Connection refused or timed out' });
  });

  it('starts nothing after the deadline and leaves the claimed rows free for the next run', async () => {
    await f.enqueueFor('user_a', f.connA);
    await f.enqueueFor('user_a', f.connA);
    expect(await deliverDueNotifications(f.t.db, { owner: 'late', now: f.now, deadline: Date.now() - 1 })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    expect(f.rx.received).toHaveLength(0);
    const rows = await f.t.db.query<{ attempts: number; lease_owner: string | null }>('select attempts, lease_owner from webhook_deliveries');
    expect(rows).toEqual([
      { attempts: 0, lease_owner: null },
      { attempts: 0, lease_owner: null },
    ]);
    expect(await f.deliver()).toEqual({ delivered: 2, retrying: 0, failed: 0 });
  });

  // PGlite has one connection, so concurrent deliverers exist only on PostgreSQL: defined there only.
  if (driver === 'postgres') {
    it('delivers each event exactly once to concurrent deliverers', async () => {
      f.rx.setSecret(undefined);
      f.rx.setFallback({ status: 200, delayMs: 5 });
      const users = Array.from({ length: 20 }, (_, i) => `user_c${i}`);
      for (const u of users) {
        await insertUser(f.t.db, u);
        await saveWebhookEndpoint(f.t.db, { userId: u, url: f.rx.url(`/${u}`) });
        for (let i = 0; i < 4; i++) await f.enqueueFor(u);
      }
      // Several instances sweeping at once, each claiming small batches until nothing is left.
      const drain = async (owner: string) => {
        let delivered = 0;
        for (;;) {
          const r = await deliverDueNotifications(f.t.db, { owner, limit: 3 });
          if (r.delivered + r.retrying + r.failed === 0) return delivered;
          delivered += r.delivered;
        }
      };
      const perCaller = await Promise.all(Array.from({ length: 6 }, (_, i) => drain(`instance-${i}`)));
      expect(perCaller.reduce((a, b) => a + b, 0)).toBe(80);
      expect(perCaller.filter((n) => n > 0).length).toBeGreaterThan(1);
      const ids = f.rx.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(80);
      expect(new Set(ids).size).toBe(80);
      const [counts] = await f.t.db.query<{ delivered: string; audited: string }>(
        `select (select count(*) from webhook_deliveries where status = 'delivered')::text as delivered,
                (select count(*) from audit_events where action = 'notification.delivered' and user_id like 'user_c%')::text as audited`,
      );
      expect(counts).toEqual({ delivered: '80', audited: '80' });
    });
  }
});
