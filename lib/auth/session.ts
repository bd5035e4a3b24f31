import 'server-only';
import { auth } from '@clerk/nextjs/server';
import { getDb } from '../db';
import { ensureUser } from '../db/users';
import { getEnv, type AuthMode } from '../env';

export interface SessionUser {
  id: string;
  mode: AuthMode;
}

/** The single operator of local mode. */
export const LOCAL_USER_ID = 'local';

/** Users this process has already seen, so the row is created once, not on every request. */
const known = new Set<string>();

/** The signed-in user, or null. The user's row is created on their first request. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const env = getEnv();
  const id = env.auth.mode === 'local' ? LOCAL_USER_ID : (await auth()).userId;
  if (!id) return null;
  if (!known.has(id)) {
    const row = await ensureUser(await getDb(), { id, displayName: id === LOCAL_USER_ID ? 'Local operator' : null });
    if (row.deleted_at) return null;
    known.add(id);
  }
  return { id, mode: env.auth.mode };
}

/** Forgets a user, e.g. after their deletion arrived by webhook. */
export function forgetSessionUser(id: string): void {
  known.delete(id);
}
