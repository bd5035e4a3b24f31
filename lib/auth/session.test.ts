import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Who is signed in (issue 11 §6): the local operator or the Clerk user, created on first sight,
 * refused once deleted, and re-checked after 30 seconds or when the deletion webhook forgets them.
 */

const m = vi.hoisted(() => ({
  env: { auth: { mode: 'local' as 'local' | 'clerk' } },
  clerkUserId: null as string | null,
  ensureUser: vi.fn(),
}));

vi.mock('@clerk/nextjs/server', () => ({ auth: async () => ({ userId: m.clerkUserId }) }));
vi.mock('../env', () => ({ getEnv: () => m.env }));
vi.mock('../db', () => ({ getDb: async () => ({ driver: 'stub' }) }));
vi.mock('../db/users', () => ({ ensureUser: m.ensureUser }));

const { getSessionUser, forgetSessionUser, LOCAL_USER_ID } = await import('./session');

const row = (id: string, deleted = false) => ({ id, email: null, display_name: null, created_at: new Date(), deleted_at: deleted ? new Date() : null });

beforeEach(() => {
  m.env.auth.mode = 'local';
  m.clerkUserId = null;
  m.ensureUser.mockReset().mockImplementation(async (_db: unknown, u: { id: string }) => row(u.id));
  forgetSessionUser(LOCAL_USER_ID);
  forgetSessionUser('user_clerk1');
});
afterEach(() => vi.useRealTimers());

describe('getSessionUser', () => {
  it('in local mode is the single operator, whose row is created as "Local operator"', async () => {
    expect(await getSessionUser()).toEqual({ id: 'local', mode: 'local' });
    expect(m.ensureUser).toHaveBeenCalledWith({ driver: 'stub' }, { id: 'local', displayName: 'Local operator' });
  });

  it('in Clerk mode is nobody without a Clerk session, and the Clerk user (no display name) with one', async () => {
    m.env.auth.mode = 'clerk';
    expect(await getSessionUser()).toBeNull();
    expect(m.ensureUser).not.toHaveBeenCalled();
    m.clerkUserId = 'user_clerk1';
    expect(await getSessionUser()).toEqual({ id: 'user_clerk1', mode: 'clerk' });
    expect(m.ensureUser).toHaveBeenCalledWith(expect.anything(), { id: 'user_clerk1', displayName: null });
  });

  it('checks the row once per 30 seconds, not on every request', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-03T03:00:00Z') });
    await getSessionUser();
    await getSessionUser();
    expect(m.ensureUser).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_001);
    await getSessionUser();
    expect(m.ensureUser).toHaveBeenCalledTimes(2);
  });

  it('refuses a deleted user, immediately once the deletion webhook forgets them', async () => {
    m.env.auth.mode = 'clerk';
    m.clerkUserId = 'user_clerk1';
    expect(await getSessionUser()).not.toBeNull();
    m.ensureUser.mockResolvedValue(row('user_clerk1', true));
    forgetSessionUser('user_clerk1');
    expect(await getSessionUser()).toBeNull();
    // Not remembered as known: every request re-checks and is refused.
    expect(await getSessionUser()).toBeNull();
    expect(m.ensureUser).toHaveBeenCalledTimes(3);
  });
});
