import 'server-only';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { hideRevokedConnection, unhideConnection } from '../db/connections';

/**
 * Removes a revoked connection from the dashboard's list, or lists it again. Nothing is deleted:
 * the row stays for its audit history (append-only, referencing it), and the change is audited too.
 * Returns false when the user has no such connection (or, to remove, no such revoked one).
 */
export async function setConnectionListed(input: {
  db: Database;
  userId: string;
  connectionId: string;
  listed: boolean;
  requestId?: string | null;
}): Promise<boolean> {
  const { db, userId, connectionId } = input;
  return asUser(db, userId, async (tx) => {
    const changed = input.listed
      ? await unhideConnection(tx, { userId, id: connectionId })
      : await hideRevokedConnection(tx, { userId, id: connectionId });
    if (!changed) return false;
    await recordAuditEvent(tx, {
      userId,
      connectionId,
      actor: 'user',
      action: input.listed ? 'connection.restored_to_list' : 'connection.removed_from_list',
      outcome: 'success',
      detail: {},
      requestId: input.requestId,
    });
    return true;
  });
}
