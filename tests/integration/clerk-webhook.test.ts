import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUser } from '@/lib/db/users';
import { handleClerkWebhook } from '@/lib/webhooks/clerk';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection } from '../support/fixtures';

const SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;

function signed(payload: object, secret = SECRET): { body: string; headers: Headers } {
  const body = JSON.stringify(payload);
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return {
    body,
    headers: new Headers({
      'svix-id': id,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': signature,
    }),
  };
}

const userCreated = (id: string, first = 'Ada') => ({
  type: 'user.created',
  data: {
    id,
    first_name: first,
    last_name: 'Lovelace',
    primary_email_address_id: 'e2',
    email_addresses: [
      { id: 'e1', email_address: 'old@example.com' },
      { id: 'e2', email_address: 'ada@example.com' },
    ],
  },
});

describe.each(DRIVERS)('Clerk webhook on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(() => t.dispose());

  const count = async (table: string) =>
    Number((await t.db.query<{ n: string }>(`select count(*)::text as n from ${table}`))[0]?.n);

  it('upserts the user on user.created and user.updated, audited', async () => {
    const created = signed(userCreated('user_1'));
    expect(await handleClerkWebhook(t.db, SECRET, created.body, created.headers)).toEqual({
      ok: true,
      handled: 'user.created',
    });
    expect(await getUser(t.db, 'user_1')).toMatchObject({ email: 'ada@example.com', display_name: 'Ada Lovelace' });

    const updated = signed({ ...userCreated('user_1', 'Augusta'), type: 'user.updated' });
    await handleClerkWebhook(t.db, SECRET, updated.body, updated.headers);
    expect(await getUser(t.db, 'user_1')).toMatchObject({ display_name: 'Augusta Lovelace' });

    const actions = await t.db.query<{ action: string }>(
      `select action from audit_events where user_id = 'user_1' order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(['user.created', 'user.updated']);
  });

  it('writes nothing when the signature is bad, forged with another secret, or the body was altered', async () => {
    const before = [await count('users'), await count('audit_events')];
    const good = signed(userCreated('user_evil'));

    const tampered = new Headers(good.headers);
    tampered.set('svix-signature', 'v1,' + Buffer.alloc(32).toString('base64'));
    const otherSecret = signed(userCreated('user_evil'), `whsec_${Buffer.alloc(24, 1).toString('base64')}`);
    const altered = good.body.replace('Ada', 'Eve');

    for (const [body, headers] of [
      [good.body, tampered],
      [otherSecret.body, otherSecret.headers],
      [altered, good.headers],
      [good.body, new Headers()],
    ] as const) {
      expect(await handleClerkWebhook(t.db, SECRET, body, headers)).toMatchObject({ ok: false, code: 'invalid_signature' });
    }
    expect([await count('users'), await count('audit_events')]).toEqual(before);
    expect(await getUser(t.db, 'user_evil')).toBeUndefined();
  });

  it('rejects an old timestamp (replay) even with a valid signature', async () => {
    const body = JSON.stringify(userCreated('user_late'));
    const then = new Date(Date.now() - 10 * 60 * 1000);
    const headers = new Headers({
      'svix-id': 'msg_late',
      'svix-timestamp': String(Math.floor(then.getTime() / 1000)),
      'svix-signature': new Webhook(SECRET).sign('msg_late', then, body),
    });
    expect(await handleClerkWebhook(t.db, SECRET, body, headers)).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(await getUser(t.db, 'user_late')).toBeUndefined();
  });

  it('soft-deletes the user on user.deleted and erases their tokens', async () => {
    const created = signed(userCreated('user_2'));
    await handleClerkWebhook(t.db, SECRET, created.body, created.headers);
    const connection = await insertConnection(t.db, {
      userId: 'user_2',
      accessTokenEnc: 'gAAAA-cipher-a',
      refreshTokenEnc: 'gAAAA-cipher-r',
    });

    const deleted = signed({ type: 'user.deleted', data: { id: 'user_2', deleted: true } });
    expect(await handleClerkWebhook(t.db, SECRET, deleted.body, deleted.headers)).toMatchObject({ ok: true });

    expect((await getUser(t.db, 'user_2'))?.deleted_at).toBeInstanceOf(Date);
    const [row] = await t.db.query('select access_token_enc, refresh_token_enc, status from connections where id = $1', [
      connection,
    ]);
    expect(row).toEqual({ access_token_enc: null, refresh_token_enc: null, status: 'revoked' });
    const [event] = await t.db.query<{ detail: { connectionsErased: number } }>(
      `select detail from audit_events where user_id = 'user_2' and action = 'user.deleted'`,
    );
    expect(event?.detail.connectionsErased).toBe(1);
  });

  it('acknowledges event types it does not handle without writing', async () => {
    const before = await count('audit_events');
    const other = signed({ type: 'session.created', data: { id: 'sess_1' } });
    expect(await handleClerkWebhook(t.db, SECRET, other.body, other.headers)).toEqual({
      ok: true,
      handled: 'ignored:session.created',
    });
    expect(await count('audit_events')).toBe(before);
  });

  it('applies a replayed delivery (same svix-id, inside the five-minute window) only once', async () => {
    const created = signed(userCreated('user_replay', 'Ada'));
    const updated = signed({ ...userCreated('user_replay', 'Augusta'), type: 'user.updated' });
    expect(await handleClerkWebhook(t.db, SECRET, created.body, created.headers)).toEqual({ ok: true, handled: 'user.created' });
    expect(await handleClerkWebhook(t.db, SECRET, updated.body, updated.headers)).toEqual({ ok: true, handled: 'user.updated' });

    // A captured user.created replayed after the update must not roll the profile back.
    expect(await handleClerkWebhook(t.db, SECRET, created.body, created.headers)).toEqual({
      ok: true,
      handled: 'duplicate:user.created',
    });
    expect(await getUser(t.db, 'user_replay')).toMatchObject({ display_name: 'Augusta Lovelace' });
    const actions = await t.db.query<{ action: string }>(`select action from audit_events where user_id = 'user_replay' order by id`);
    expect(actions.map((a) => a.action)).toEqual(['user.created', 'user.updated']);
  });

  it('applies concurrent deliveries of one message once', async () => {
    const deleted = signed({ type: 'user.deleted', data: { id: 'user_concurrent' } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => handleClerkWebhook(t.db, SECRET, deleted.body, deleted.headers)),
    );
    expect(results.filter((r) => r.ok && r.handled === 'user.deleted')).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.handled === 'duplicate:user.deleted')).toHaveLength(4);
    const [n] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_events where user_id = 'user_concurrent' and action = 'user.deleted'`,
    );
    expect(n?.n).toBe(1);
  });

  it('forgets processed ids after three days', async () => {
    await t.db.query(
      `insert into clerk_webhook_events (svix_id, event_type, processed_at)
       values ('msg_old', 'user.created', now() - interval '73 hours'), ('msg_recent', 'user.created', now() - interval '71 hours')`,
    );
    const created = signed(userCreated('user_cleanup'));
    await handleClerkWebhook(t.db, SECRET, created.body, created.headers);
    const ids = await t.db.query<{ svix_id: string }>(
      `select svix_id from clerk_webhook_events where svix_id in ('msg_old', 'msg_recent', $1) order by 1`,
      [created.headers.get('svix-id')],
    );
    expect(ids.map((r) => r.svix_id).sort()).toEqual([created.headers.get('svix-id'), 'msg_recent'].sort());
  });

  it('answers bad_request, writing nothing, for a correctly signed body that is not JSON', async () => {
    const before = [await count('users'), await count('audit_events'), await count('clerk_webhook_events')];
    const body = 'user.created: not json {';
    const id = 'msg_not_json';
    const now = new Date();
    const headers = new Headers({
      'svix-id': id,
      'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
      'svix-signature': new Webhook(SECRET).sign(id, now, body),
    });
    expect(await handleClerkWebhook(t.db, SECRET, body, headers)).toEqual({
      ok: false,
      code: 'bad_request',
      message: 'The webhook body is not JSON.',
    });
    expect([await count('users'), await count('audit_events'), await count('clerk_webhook_events')]).toEqual(before);
  });
});
