import 'server-only';
import { z } from 'zod';
import { asUser, type Database } from '../db';
import { insertApiKey, listActiveApiKeys, markApiKeyRevoked } from '../db/api-keys';
import { recordAuditEvent } from '../db/audit';
import { AppError } from '../http/errors';
import { safeText } from '../http/safe-text';
import { evictCachedKey } from './cache';
import { generateApiKey, hashApiKey } from './format';

export const apiKeyNameSchema = safeText('The name contains characters that are not allowed (such as NUL or other control characters).')
  .trim()
  .min(1, 'Give the key a name.')
  .max(100, 'The name must be at most 100 characters.');

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The whole key: returned once, stored only as a hash. */
  key: string;
  createdAt: Date;
}

/** Makes a key, audited. A prefix collision (about one in 10^12) is retried with a new key. */
export async function createApiKey(
  db: Database,
  input: { userId: string; name: string; requestId?: string | null },
): Promise<CreatedApiKey> {
  const name = apiKeyNameSchema.safeParse(input.name);
  if (!name.success) throw new AppError('bad_request', name.error.issues[0]?.message ?? 'Invalid name.');
  for (let attempt = 1; ; attempt++) {
    const { prefix, key } = generateApiKey();
    try {
      const row = await asUser(db, input.userId, async (tx) => {
        const inserted = await insertApiKey(tx, { userId: input.userId, name: name.data, prefix, secretHash: hashApiKey(key) });
        await recordAuditEvent(tx, {
          userId: input.userId,
          actor: 'user',
          action: 'api_key.created',
          outcome: 'success',
          detail: { keyId: inserted.id, prefix, name: name.data },
          requestId: input.requestId,
        });
        return inserted;
      });
      // This process may remember the prefix as unknown from a probe; it is known now.
      evictCachedKey(prefix);
      return { id: row.id, name: row.name, prefix: row.prefix, key, createdAt: row.created_at };
    } catch (err) {
      if (attempt >= 3 || (err as { code?: unknown })?.code !== '23505') throw err;
    }
  }
}

export async function listApiKeys(db: Database, userId: string): Promise<ApiKeySummary[]> {
  const rows = await asUser(db, userId, (tx) => listActiveApiKeys(tx, { userId }));
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/**
 * Revokes a live key, audited, and forgets it in this process's cache at once (other instances
 * within the cache lifetime, 30 s). Unknown, foreign and already revoked keys are all not_found.
 */
export async function revokeApiKey(
  db: Database,
  input: { userId: string; id: string; requestId?: string | null },
): Promise<{ prefix: string }> {
  if (!z.uuid().safeParse(input.id).success) throw new AppError('not_found', 'No such API key.');
  const revoked = await asUser(db, input.userId, async (tx) => {
    const row = await markApiKeyRevoked(tx, { userId: input.userId, id: input.id });
    if (!row) return undefined;
    await recordAuditEvent(tx, {
      userId: input.userId,
      actor: 'user',
      action: 'api_key.revoked',
      outcome: 'success',
      detail: { keyId: input.id, prefix: row.prefix, name: row.name },
      requestId: input.requestId,
    });
    return row;
  });
  if (!revoked) throw new AppError('not_found', 'No such API key.');
  evictCachedKey(revoked.prefix);
  return { prefix: revoked.prefix };
}
