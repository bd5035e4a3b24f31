import { vi } from 'vitest';
import type { getSessionUser } from '@/lib/auth/session';
import type { Database } from '@/lib/db';

/**
 * Route handlers and server actions called outside Next: the signed-in user is a mock and the
 * database is the test's. vi.mock is hoisted above the imports, so a test file keeps its own
 * `vi.mock('@/lib/auth/session', ...)` and imports this module inside the factory:
 *
 *   vi.mock('@/lib/auth/session', async (importOriginal) => (await import('../support/route-session')).withMockedSessionUser(importOriginal));
 *
 * Only types come from '@/lib/auth/session' here, so loading this module from the factory does not
 * import the module being mocked.
 */
const sessionUser = vi.fn<typeof getSessionUser>();

/** The real '@/lib/auth/session' with getSessionUser answered by signedInAs. */
export async function withMockedSessionUser(importOriginal: <T>() => Promise<T>) {
  return { ...(await importOriginal<typeof import('@/lib/auth/session')>()), getSessionUser: sessionUser };
}

/** Who the routes see as signed in (null: nobody). */
export function signedInAs(id: string | null): void {
  sessionUser.mockResolvedValue(id ? { id, mode: 'local' } : null);
}

/** The database getDb() answers with (undefined: none, so the next getDb() opens one from the env). */
export function useDatabase(db: Database | undefined): void {
  (globalThis as unknown as { grantkeeperDb?: Promise<Database> }).grantkeeperDb = db ? Promise.resolve(db) : undefined;
}
