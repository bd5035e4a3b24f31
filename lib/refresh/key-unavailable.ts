import 'server-only';
import type { ClaimedConnection, LeaseGuard } from '../db/refresh';
import { markKeyUnavailable } from '../db/refresh-recovery';
import { getLogger } from '../log';
import { keySetFingerprint } from '../tokens/keys';
import { audit, notify, type RefreshContext, type RefreshOutcome } from './refresh-context';

export const KEY_UNAVAILABLE_MESSAGE =
  'Grantkeeper cannot decrypt this connection’s tokens with its configured encryption keys. ' +
  'Restore the key they were written with (ENCRYPTION_KEYS, or the data directory’s encryption.key); ' +
  'the connection is retried when the keys change.';

/**
 * Tokens no configured key can read are not a provider failure and retrying cannot fix them: the
 * connection becomes `error` with `key_unavailable`, is audited and notified once, its lease is
 * released, and it waits until the server starts with a different key set (lib/refresh/recover.ts).
 */
export async function parkUnreadable(ctx: RefreshContext, c: ClaimedConnection, guard: LeaseGuard, started: number): Promise<RefreshOutcome> {
  getLogger().error({ connectionId: c.id, provider: c.provider }, 'stored tokens cannot be decrypted with the configured keys');
  const written = await ctx.db.transaction(async (tx) => {
    if (!(await markKeyUnavailable(tx, guard, { keyset: keySetFingerprint(), message: KEY_UNAVAILABLE_MESSAGE }))) return false;
    await audit(tx, ctx, c, 'connection.key_unavailable', 'failure', started, { errorCode: 'key_unavailable', status: 'error' });
    await notify(tx, c, 'connection.error', { status: 'error', errorCode: 'key_unavailable', message: KEY_UNAVAILABLE_MESSAGE });
    return true;
  });
  return written ? { kind: 'error', errorCode: 'key_unavailable' } : { kind: 'lost_lease' };
}
