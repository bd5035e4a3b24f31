import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClaimedConnection, LeaseGuard } from '../db/refresh';
import type { RefreshContext } from './refresh-context';

/**
 * Tokens no configured key can read (issue 11 §6): the connection is parked as key_unavailable,
 * audited and notified once, with the message that names the fix; not when the lease was lost.
 */

const m = vi.hoisted(() => ({ markKeyUnavailable: vi.fn(), audit: vi.fn(), notify: vi.fn() }));
vi.mock('../db/refresh-recovery', () => ({ markKeyUnavailable: m.markKeyUnavailable }));
vi.mock('../tokens/keys', () => ({ keySetFingerprint: () => 'keyset-1' }));
vi.mock('./refresh-context', () => ({ audit: m.audit, notify: m.notify }));

const { parkUnreadable, KEY_UNAVAILABLE_MESSAGE } = await import('./key-unavailable');

const tx = { tx: true };
const ctx = { db: { transaction: (fn: (t: unknown) => Promise<unknown>) => fn(tx) } } as unknown as RefreshContext;
const c = { id: 'c1', provider: 'x' } as ClaimedConnection;
const guard: LeaseGuard = { id: 'c1', owner: 'sweep:h:1:a-b', tokenVersion: 3 };

beforeEach(() => vi.clearAllMocks());

describe('parkUnreadable', () => {
  it('parks the connection as an error, audits and notifies once, naming the fix', async () => {
    m.markKeyUnavailable.mockResolvedValue(true);
    expect(await parkUnreadable(ctx, c, guard, Date.now())).toEqual({ kind: 'error', errorCode: 'key_unavailable' });
    expect(m.markKeyUnavailable).toHaveBeenCalledWith(tx, guard, { keyset: 'keyset-1', message: KEY_UNAVAILABLE_MESSAGE });
    expect(m.audit).toHaveBeenCalledWith(tx, ctx, c, 'connection.key_unavailable', 'failure', expect.any(Number), {
      errorCode: 'key_unavailable',
      status: 'error',
    });
    expect(m.notify).toHaveBeenCalledWith(tx, c, 'connection.error', expect.objectContaining({ errorCode: 'key_unavailable' }));
    expect(KEY_UNAVAILABLE_MESSAGE).toMatch(/Restore the key .*ENCRYPTION_KEYS/);
    // Restoring the key is the fix; the message no longer offers reconnecting as one.
    expect(KEY_UNAVAILABLE_MESSAGE).not.toMatch(/reconnect/i);
  });

  it('writes nothing when the lease is no longer ours', async () => {
    m.markKeyUnavailable.mockResolvedValue(false);
    expect(await parkUnreadable(ctx, c, guard, Date.now())).toEqual({ kind: 'lost_lease' });
    expect(m.audit).not.toHaveBeenCalled();
    expect(m.notify).not.toHaveBeenCalled();
  });
});
