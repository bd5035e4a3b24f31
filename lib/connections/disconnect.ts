import 'server-only';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { getEncryptedTokens, markConnectionRevoked } from '../db/connections';
import type { Env } from '../env';
import { revokeGrant } from '../oauth/revoke';
import { resolveProvider } from '../providers/registry';
import { ProviderError, type ProviderSlug } from '../providers/types';
import { decryptToken } from '../tokens/keys';
import { providerOrigin } from './origin';
import { FlowError } from './outcomes';

export interface DisconnectResult {
  /** The provider confirmed the revocation. */
  revokedAtProvider: boolean;
  /** What the user must do at the provider themselves, where it has no revoke endpoint. */
  manualStep?: string;
  /** The provider failed to revoke: tokens were still erased here. */
  providerError?: string;
  alreadyRevoked: boolean;
}

/**
 * Revokes at the provider where it can, then erases both tokens and marks the connection revoked,
 * audited. A provider failure never keeps tokens here: local erasure always happens.
 */
export async function disconnectConnection(input: {
  db: Database;
  env: Env;
  userId: string;
  connectionId: string;
  origin: string;
  requestId?: string | null;
  fetch?: typeof fetch;
}): Promise<DisconnectResult> {
  const { db, userId, connectionId } = input;
  const stored = await asUser(db, userId, (tx) => getEncryptedTokens(tx, { userId, id: connectionId }));
  if (!stored) throw new FlowError('not_found');
  if (stored.status === 'revoked' && !stored.access_token_enc && !stored.refresh_token_enc) {
    return { revokedAtProvider: false, alreadyRevoked: true };
  }

  const result: DisconnectResult = { revokedAtProvider: false, alreadyRevoked: false };
  const provider = await resolveProvider(stored.provider as ProviderSlug, {
    env: input.env,
    origin: providerOrigin(input),
    fetch: input.fetch,
  }).catch((err: unknown) => {
    if (err instanceof ProviderError) return undefined;
    throw err;
  });
  if (provider === undefined) {
    result.providerError = 'provider_unavailable';
  } else if (!provider) {
    result.providerError = 'provider_not_configured';
  } else if (stored.access_token_enc || stored.refresh_token_enc) {
    try {
      const revoked = await revokeGrant(provider, {
        accessToken: stored.access_token_enc ? decryptToken(stored.access_token_enc) : undefined,
        refreshToken: stored.refresh_token_enc ? decryptToken(stored.refresh_token_enc) : undefined,
      });
      result.revokedAtProvider = revoked.revoked;
      if (revoked.manual) result.manualStep = revoked.manual;
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      result.providerError = err.code;
    }
  }

  await asUser(db, userId, async (tx) => {
    await markConnectionRevoked(tx, { userId, id: connectionId });
    await recordAuditEvent(tx, {
      userId,
      connectionId,
      actor: 'user',
      action: 'connection.disconnected',
      outcome: result.providerError ? 'failure' : 'success',
      detail: {
        provider: stored.provider,
        revokedAtProvider: result.revokedAtProvider,
        manualStep: result.manualStep,
        providerError: result.providerError,
        tokensErased: true,
      },
      requestId: input.requestId,
    });
  });
  return result;
}
