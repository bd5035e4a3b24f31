import 'server-only';
import crypto from 'node:crypto';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { getConnection } from '../db/connections';
import { insertOAuthState } from '../db/oauth-states';
import type { Env } from '../env';
import { buildAuthorizationUrl } from '../oauth/authorization-url';
import { codeChallengeS256, generateCodeVerifier } from '../oauth/pkce';
import { resolveProvider } from '../providers/registry';
import { ProviderError, type ProviderSlug, type Region } from '../providers/types';
import { encryptToken } from '../tokens/keys';
import { callbackUrl, providerOrigin } from './origin';
import { FlowError } from './outcomes';

export const STATE_TTL_SEC = 10 * 60;

export function hashState(state: string): string {
  return crypto.createHash('sha256').update(state).digest('hex');
}

export interface StartAuthorization {
  db: Database;
  env: Env;
  userId: string;
  provider: ProviderSlug;
  origin: string;
  region?: Region;
  /** Reconnect an existing connection of this user. */
  connectionId?: string;
  returnPath: string;
  requestId?: string | null;
  /** Injected in tests (the in-process simulator); defaults to global fetch. */
  fetch?: typeof fetch;
}

/**
 * Creates the state (32 random bytes, stored hashed, single use, 10 minutes, bound to the user)
 * and, where the provider takes it, a PKCE verifier stored encrypted; returns the provider URL.
 */
export async function startAuthorization(input: StartAuthorization): Promise<string> {
  const provider = await resolveProvider(input.provider, { env: input.env, origin: providerOrigin(input), fetch: input.fetch }).catch(
    (err: unknown) => {
      // The generic OIDC provider reads its discovery document: an unreachable issuer is transient.
      if (err instanceof ProviderError) throw new FlowError('provider_unavailable', err.code);
      throw err;
    },
  );
  if (!provider) throw new FlowError('not_configured', input.provider);
  const { definition } = provider;
  const region = definition.regions ? (input.region ?? 'na') : undefined;
  if (region && !definition.regions?.includes(region)) throw new FlowError('bad_region');

  const state = crypto.randomBytes(32).toString('base64url');
  const verifier = definition.pkce ? generateCodeVerifier() : undefined;
  const redirectUri = callbackUrl(input.origin, input.provider);

  await asUser(input.db, input.userId, async (tx) => {
    if (input.connectionId) {
      const existing = await getConnection(tx, { userId: input.userId, id: input.connectionId });
      if (!existing || existing.provider !== input.provider) throw new FlowError('not_found');
    }
    // Both in one round trip: neither needs the other's result.
    const stateRow = insertOAuthState(tx, {
      stateHash: hashState(state),
      userId: input.userId,
      provider: input.provider,
      region: region ?? null,
      codeVerifierEnc: verifier ? encryptToken(verifier) : null,
      connectionId: input.connectionId ?? null,
      returnPath: input.returnPath,
      ttlSec: STATE_TTL_SEC,
    });
    const audit = recordAuditEvent(tx, {
      userId: input.userId,
      connectionId: input.connectionId ?? null,
      actor: 'user',
      action: 'oauth.authorize',
      outcome: 'info',
      detail: { provider: input.provider, region, reconnect: Boolean(input.connectionId), simulated: provider.simulated },
      requestId: input.requestId,
    });
    await Promise.all([stateRow, audit]);
  });

  return buildAuthorizationUrl(provider, {
    state,
    redirectUri,
    region,
    codeChallenge: verifier ? codeChallengeS256(verifier) : undefined,
  });
}
