import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setConnectionListed } from '@/lib/connections/list-visibility';
import { listConnectionStatus } from '@/lib/connections/status';
import { markConnectionRevoked, upsertConnection } from '@/lib/db/connections';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';

/** Removing a revoked connection from the dashboard's list hides it; its row and history stay. */
describe.each(DRIVERS)('removing a connection from the list on %s', (driver) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_a');
    await insertUser(t.db, 'user_b');
  });
  afterAll(() => t.dispose());

  const hiddenAt = async (userId: string, id: string) =>
    (await listConnectionStatus(t.db, userId)).find((c) => c.id === id)?.hiddenAt;
  const actions = async (id: string) =>
    (await t.db.query<{ action: string }>('select action from audit_events where connection_id = $1 order by id', [id])).map(
      (r) => r.action,
    );

  it('only a revoked connection of this user can be removed; the row and its audit events stay', async () => {
    const id = await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'a-live' });
    expect(await setConnectionListed({ db: t.db, userId: 'user_a', connectionId: id, listed: false })).toBe(false);
    expect(await hiddenAt('user_a', id)).toBeNull();

    await markConnectionRevoked(t.db, { userId: 'user_a', id });
    // Another user cannot, nor can anyone remove what does not exist.
    expect(await setConnectionListed({ db: t.db, userId: 'user_b', connectionId: id, listed: false })).toBe(false);
    expect(await setConnectionListed({ db: t.db, userId: 'user_a', connectionId: crypto.randomUUID(), listed: false })).toBe(false);
    expect(await hiddenAt('user_a', id)).toBeNull();

    expect(await setConnectionListed({ db: t.db, userId: 'user_a', connectionId: id, listed: false })).toBe(true);
    expect(await hiddenAt('user_a', id)).toEqual(expect.any(String));
    expect(await actions(id)).toEqual(['connection.removed_from_list']);

    expect(await setConnectionListed({ db: t.db, userId: 'user_a', connectionId: id, listed: true })).toBe(true);
    expect(await hiddenAt('user_a', id)).toBeNull();
    expect(await actions(id)).toEqual(['connection.removed_from_list', 'connection.restored_to_list']);
  });

  it('reconnecting the same account lists it again', async () => {
    const id = await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'a-back' });
    await markConnectionRevoked(t.db, { userId: 'user_a', id });
    await setConnectionListed({ db: t.db, userId: 'user_a', connectionId: id, listed: false });
    const again = await upsertConnection(
      t.db,
      {
        userId: 'user_a',
        provider: 'x',
        externalAccountId: 'a-back',
        displayName: 'a-back',
        scopes: [],
        accessTokenEnc: 'enc',
        refreshTokenEnc: null,
        expiresInSec: 3600,
        refreshTokenExpiresInSec: null,
        metadata: {},
        nextCheckInSec: 60,
      },
      { actor: 'user', insertedAction: 'connection.connected', updatedAction: 'connection.reconnected', outcome: 'success', detail: {} },
    );
    expect(again).toMatchObject({ id, inserted: false });
    expect((await actions(id)).at(-1)).toBe('connection.reconnected');
    expect(await hiddenAt('user_a', id)).toBeNull();
  });
});
