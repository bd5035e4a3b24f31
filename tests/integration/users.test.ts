import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, getUser, softDeleteUser, upsertUser } from '@/lib/db/users';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertConnection } from '../support/fixtures';

/**
 * The users table as sign-in and Clerk's webhooks change it (issue 11 §6): created on first
 * sight without overwriting a profile, created/updated audited, and a deletion that erases every
 * token at once and keeps the user deleted. PGlite: nothing here is about concurrency.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('pglite');
});
afterAll(() => t.dispose());

const audit = (userId: string) =>
  t.db.query<{ action: string; detail: Record<string, unknown>; request_id: string | null }>(
    'select action, detail, request_id from audit_events where user_id = $1 order by id',
    [userId],
  );

describe('ensureUser', () => {
  it('creates the row on first sight and afterwards returns it as it is, without overwriting the profile', async () => {
    const first = await ensureUser(t.db, { id: 'u_first', email: 'ann@example.com', displayName: 'Ann' });
    expect(first).toMatchObject({ id: 'u_first', email: 'ann@example.com', display_name: 'Ann', deleted_at: null });
    const again = await ensureUser(t.db, { id: 'u_first' });
    expect(again).toMatchObject({ email: 'ann@example.com', display_name: 'Ann' });
    expect(await getUser(t.db, 'u_first')).toMatchObject({ id: 'u_first', email: 'ann@example.com' });
    expect(await getUser(t.db, 'u_nobody')).toBeUndefined();
  });
});

describe('upsertUser (Clerk user.created / user.updated)', () => {
  it('audits the first as user.created and the next as user.updated, with the new profile stored', async () => {
    await t.db.transaction((tx) => upsertUser(tx, { id: 'u_clerk', email: 'bo@example.com', displayName: 'Bo' }, 'req-1'));
    await t.db.transaction((tx) => upsertUser(tx, { id: 'u_clerk', displayName: 'Bo B.' }));
    expect(await getUser(t.db, 'u_clerk')).toMatchObject({ email: null, display_name: 'Bo B.' });
    expect(await audit('u_clerk')).toEqual([
      { action: 'user.created', detail: { source: 'clerk_webhook' }, request_id: 'req-1' },
      { action: 'user.updated', detail: { source: 'clerk_webhook' }, request_id: null },
    ]);
  });
});

describe('softDeleteUser (Clerk user.deleted)', () => {
  it('erases every token of the user at once, counts them in the audit event, and is idempotent', async () => {
    await ensureUser(t.db, { id: 'u_gone' });
    const a = await insertConnection(t.db, { userId: 'u_gone', accessTokenEnc: 'gAAAAA-a', refreshTokenEnc: 'gAAAAA-r' });
    await insertConnection(t.db, { userId: 'u_gone', accessTokenEnc: 'gAAAAA-b' });
    const first = await t.db.transaction((tx) => softDeleteUser(tx, 'u_gone', 'req-del'));
    expect(first).toEqual({ erased: 2 });
    const [row] = await t.db.query<{ status: string; access_token_enc: string | null; refresh_token_enc: string | null }>(
      'select status, access_token_enc, refresh_token_enc from connections where id = $1',
      [a],
    );
    expect(row).toEqual({ status: 'revoked', access_token_enc: null, refresh_token_enc: null });
    const deletedAt = (await getUser(t.db, 'u_gone'))!.deleted_at;
    expect(deletedAt).toBeInstanceOf(Date);

    // Clerk retries the webhook: nothing left to erase, and the first deletion time stays.
    expect(await t.db.transaction((tx) => softDeleteUser(tx, 'u_gone'))).toEqual({ erased: 0 });
    expect((await getUser(t.db, 'u_gone'))!.deleted_at).toEqual(deletedAt);
    // A signed-in session of a deleted user sees the deletion.
    expect((await ensureUser(t.db, { id: 'u_gone' })).deleted_at).toEqual(deletedAt);
    expect((await audit('u_gone')).map((e) => e.detail)).toEqual([
      { source: 'clerk_webhook', connectionsErased: 2 },
      { source: 'clerk_webhook', connectionsErased: 0 },
    ]);
  });

  it('a deletion that arrives before the user was ever seen still records the user as deleted', async () => {
    expect(await t.db.transaction((tx) => softDeleteUser(tx, 'u_never'))).toEqual({ erased: 0 });
    expect((await getUser(t.db, 'u_never'))!.deleted_at).toBeInstanceOf(Date);
  });
});
