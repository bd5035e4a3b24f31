import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnectionEvents, getConnectionForUser, getRefreshHistory } from '@/lib/connections/detail';
import { recordAuditEvent } from '@/lib/db/audit';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';

/**
 * A connection's page reads (lib/connections/detail.ts over lib/db/connection-history.ts): scoped
 * to the signed-in user, newest first by event id, paged by keyset.
 */
describe.each(DRIVERS)('connection detail reads on %s', (driver) => {
  let t: TestDatabase;
  let mine: string;
  let theirs: string;
  /** Event ids of `mine`, oldest first. */
  const ids: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    await insertUser(t.db, 'user_a');
    await insertUser(t.db, 'user_b');
    mine = await insertConnection(t.db, { userId: 'user_a', externalAccountId: 'a-1' });
    theirs = await insertConnection(t.db, { userId: 'user_b', externalAccountId: 'b-1' });
    const event = (userId: string, connectionId: string, action: string, durationMs: number | null, detail = {}) =>
      recordAuditEvent(t.db, {
        userId,
        connectionId,
        actor: 'system',
        action,
        outcome: action === 'token.refreshed' ? 'success' : action === 'connection.expires_soon' ? 'info' : 'failure',
        detail,
        durationMs,
      });
    await event('user_a', mine, 'connection.connected', null);
    // Twelve events so ids cross from one digit to two: text order would put 10 before 9.
    for (let i = 0; i < 9; i++) await event('user_a', mine, 'token.refreshed', 10 + i, { expiresInSec: 3600 });
    await event('user_a', mine, 'token.refresh_failed', 40, { errorCode: 'http_500', attempt: 1, retryInSec: 30 });
    await event('user_a', mine, 'connection.expires_soon', 5);
    await event('user_a', mine, 'token.refreshed', 20);
    await event('user_b', theirs, 'token.refreshed', 99);
    const rows = await t.db.query<{ id: string }>('select id::text from audit_events where connection_id = $1 order by audit_events.id', [mine]);
    ids.push(...rows.map((r) => Number(r.id)));
  });
  afterAll(() => t.dispose());

  it('another user’s connection reads exactly like one that does not exist', async () => {
    expect(await getConnectionForUser(t.db, { userId: 'user_b', connectionId: mine })).toBeNull();
    expect(await getConnectionForUser(t.db, { userId: 'user_b', connectionId: crypto.randomUUID() })).toBeNull();
    const history = await getRefreshHistory(t.db, { userId: 'user_b', connectionId: mine });
    expect(history.recent).toEqual([]);
    expect(history.stats).toMatchObject({ attempts: 0, succeeded: 0, failed: 0, avgDurationMs: null });
    expect(await getConnectionEvents(t.db, { userId: 'user_b', connectionId: mine })).toEqual({ items: [], newer: null, older: null });

    const own = await getConnectionForUser(t.db, { userId: 'user_a', connectionId: mine });
    expect(own).toMatchObject({ id: mine, account: { id: 'a-1' } });
    expect(JSON.stringify(own)).not.toMatch(/token_enc|access_token|refresh_token/);
  });

  it('refresh history: refresh actions only, newest first, with durations and totals', async () => {
    const { recent, stats } = await getRefreshHistory(t.db, { userId: 'user_a', connectionId: mine });
    expect(recent.map((e) => e.action)).toEqual([
      'token.refreshed',
      'connection.expires_soon',
      'token.refresh_failed',
      ...Array<string>(9).fill('token.refreshed'),
    ]);
    expect(recent.map((e) => Number(e.id))).toEqual(ids.slice(1).reverse());
    expect(recent[2]).toMatchObject({ durationMs: 40, detail: { errorCode: 'http_500', attempt: 1 } });
    // Warnings are shown but are not attempts.
    expect(stats).toMatchObject({ attempts: 11, succeeded: 10, failed: 1, maxDurationMs: 20 });
    expect(stats.avgDurationMs).toBe(Math.round((10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 20) / 10));
  });

  it('audit events leave out the refresh attempts Refresh history lists, unless asked for', async () => {
    const events = await getConnectionEvents(t.db, { userId: 'user_a', connectionId: mine });
    expect(events.items.map((e) => e.action)).toEqual(['connection.connected']);
    expect(events).toMatchObject({ newer: null, older: null });
    const all = await getConnectionEvents(t.db, { userId: 'user_a', connectionId: mine, page: { withRefreshes: true } });
    expect(all.items.map((e) => Number(e.id))).toEqual([...ids].reverse());
  });

  it('audit events: pages of newest first by id, older and newer by keyset', async () => {
    const newestFirst = [...ids].reverse();
    const all = { withRefreshes: true };
    const first = await getConnectionEvents(t.db, { userId: 'user_a', connectionId: mine, pageSize: 5, page: all });
    expect(first.items.map((e) => Number(e.id))).toEqual(newestFirst.slice(0, 5));
    expect(first.newer).toBeNull();
    expect(first.older).toBe(String(newestFirst[4]));

    const second = await getConnectionEvents(t.db, { userId: 'user_a', connectionId: mine, pageSize: 5, page: { ...all, before: first.older! } });
    expect(second.items.map((e) => Number(e.id))).toEqual(newestFirst.slice(5, 10));
    expect(second.newer).toBe(String(newestFirst[5]));

    const last = await getConnectionEvents(t.db, { userId: 'user_a', connectionId: mine, pageSize: 5, page: { ...all, before: second.older! } });
    expect(last.items.map((e) => Number(e.id))).toEqual(newestFirst.slice(10));
    expect(last.older).toBeNull();

    const back = await getConnectionEvents(t.db, { userId: 'user_a', connectionId: mine, pageSize: 5, page: { ...all, after: second.newer! } });
    expect(back.items.map((e) => Number(e.id))).toEqual(newestFirst.slice(0, 5));
    expect(back.newer).toBeNull();
    expect(back.older).toBe(String(newestFirst[4]));
  });
});
