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

/**
 * Users this process has seen recently, so the row is not checked on every request. Kept on
 * globalThis: Next bundles routes separately, and the webhook that deletes a user must clear the
 * entry every page sees. The short lifetime bounds how long another instance may lag.
 */
const KNOWN_FOR_MS = 30_000;
const holder = globalThis as unknown as { grantkeeperKnownUsers?: Map<string, number> };
const known = (holder.grantkeeperKnownUsers ??= new Map<string, number>());

/** The signed-in user, or null. The user's row is created on their first request. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const env = getEnv();
  const id = env.auth.mode === 'local' ? LOCAL_USER_ID : (await auth()).userId;
  if (!id) return null;
  if ((known.get(id) ?? 0) < Date.now()) {
    const row = await ensureUser(await getDb(), { id, displayName: id === LOCAL_USER_ID ? 'Local operator' : null });
    if (row.deleted_at) return null;
    known.set(id, Date.now() + KNOWN_FOR_MS);
  }
  return { id, mode: env.auth.mode };
}

/** Forgets a user, e.g. after their deletion arrived by webhook. */
export function forgetSessionUser(id: string): void {
  known.delete(id);
}
