import 'server-only';
import { z } from 'zod';
import { asUser, type Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import { upsertConnection, type UpsertedConnection } from '../db/connections';
import { consumeOAuthState, findOAuthStateOwner, type OAuthStateRow } from '../db/oauth-states';
import type { Env } from '../env';
import { safeText } from '../http/safe-text';
import { fetchConnectedAccount } from '../oauth/accounts';
import { completeCodeExchange } from '../oauth/token-endpoint';
import { resolveProvider } from '../providers/registry';
import { ProviderError, type ProviderSlug, type Region } from '../providers/types';
import { decryptToken, encryptToken } from '../tokens/keys';
import { hashState } from './authorize';
import { callbackUrl, providerOrigin } from './origin';
import { FlowError, type OutcomeCode } from './outcomes';
import { nextCheckInSec } from '../refresh/schedule';

/** Generous bounds: real states are 43 chars, codes up to a few hundred, descriptions a sentence. */
export const callbackQuery = z.object({
  code: safeText().min(1).max(4096).optional(),
  error: safeText().max(256).optional(),
  error_description: safeText().max(2048).optional(),
});

export interface CompleteAuthorization {
  db: Database;
  env: Env;
  provider: ProviderSlug;
  /** The signed-in user presenting the callback, if any. */
  sessionUserId: string | null;
  query: URLSearchParams;
  origin: string;
  requestId?: string | null;
  /** Injected in tests (the in-process simulator); defaults to global fetch. */
  fetch?: typeof fetch;
}

export interface CallbackResult {
  outcome: Extract<OutcomeCode, 'connected' | 'reconnected' | 'reconnected_after_revoke' | 'region_added'>;
  connectionId: string;
  returnPath: string;
  /** The consent region, when it added a region to an account already connected. */
  region?: Region;
}

type Fail = (outcome: OutcomeCode, reason: string, userId?: string | null) => Promise<never>;

/**
 * The OAuth callback: validates and consumes the state, exchanges the code, fetches the account,
 * stores everything encrypted and audited. Any failure stores nothing (FlowError); it is audited
 * to the user it concerns. A failure that concerns nobody (an unknown state and no session) is
 * the caller's to log and count: anyone can send those, and the audit log is append-only.
 */
export async function completeAuthorization(input: CompleteAuthorization): Promise<CallbackResult> {
  const fail: Fail = async (outcome, reason, userId = input.sessionUserId) => {
    if (userId) {
      await recordAuditEvent(input.db, {
        userId,
        actor: 'user',
        action: 'oauth.callback',
        // A person saying no at the provider is a denial like any other refused callback.
        outcome: 'denied',
        detail: { provider: input.provider, outcome, reason },
        requestId: input.requestId,
      });
    }
    throw new FlowError(outcome, reason);
  };

  const state = await validateState(input, fail);
  const query = callbackQuery.safeParse(Object.fromEntries(input.query));
  if (!query.success) return fail('invalid_request', 'oversized_or_malformed_parameters', state.user_id);
  if (query.data.error) return fail('consent_denied', `provider_error:${query.data.error}`.slice(0, 80), state.user_id);
  if (!query.data.code) return fail('invalid_request', 'missing_code', state.user_id);

  const region = (state.region ?? undefined) as Region | undefined;
  let provider;
  let tokens;
  let account;
  try {
    // Inside the try: the generic OIDC provider reads its discovery document here.
    provider = await resolveProvider(input.provider, { env: input.env, origin: providerOrigin(input), fetch: input.fetch });
    if (!provider) return fail('not_configured', 'provider_not_configured', state.user_id);
    tokens = await completeCodeExchange(provider, {
      code: query.data.code,
      redirectUri: callbackUrl(input.origin, input.provider),
      codeVerifier: state.code_verifier_enc ? decryptToken(state.code_verifier_enc) : undefined,
      region,
    });
    account = await fetchConnectedAccount(provider, { tokenSet: tokens, region });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const outcome = err.kind === 'transient' && !err.status ? 'provider_unavailable' : 'token_exchange_failed';
    return fail(outcome, err.code, state.user_id);
  }

  const { definition } = provider;
  const lifetime = tokens.expiresIn ?? definition.defaults.accessTokenTtlSec;
  const canRefresh = definition.refresh === 'long_lived_exchange' || (definition.refresh === 'refresh_token' && Boolean(tokens.refreshToken));
  // The audit row is written by the upsert's own statement: one round trip, never one without the other.
  const stored = await asUser(input.db, state.user_id, (tx) =>
    upsertConnection(
      tx,
      {
        userId: state.user_id,
        provider: input.provider,
        externalAccountId: account.externalAccountId,
        displayName: account.displayName,
        scopes: tokens.scopes ?? [...definition.scopes],
        accessTokenEnc: encryptToken(tokens.accessToken),
        refreshTokenEnc: tokens.refreshToken ? encryptToken(tokens.refreshToken) : null,
        expiresInSec: lifetime,
        refreshTokenExpiresInSec:
          tokens.refreshTokenExpiresIn ?? (tokens.refreshToken ? (definition.defaults.refreshTokenTtlSec ?? null) : null),
        // `region` is the consent host last used (reconnect and refresh go there); `consentRegions`
        // accumulates across reconnects (lib/db/connections.ts): one account, whatever host it used.
        metadata: { ...account.metadata, ...(region ? { region, consentRegions: [region] } : {}), simulated: provider.simulated },
        nextCheckInSec: nextCheckInSec(definition, input.env.refresh, lifetime, canRefresh),
      },
      {
        actor: 'user',
        insertedAction: 'connection.connected',
        updatedAction: 'connection.reconnected',
        outcome: 'success',
        detail: {
          provider: input.provider,
          account: account.displayName,
          externalAccountId: account.externalAccountId,
          scopes: tokens.scopes,
          region,
          hasRefreshToken: Boolean(tokens.refreshToken),
          simulated: provider.simulated,
        },
        requestId: input.requestId,
      },
    ),
  );

  return { ...reconnectOutcome(stored, region), connectionId: stored.id, returnPath: state.return_path };
}

/** What to tell the person: a new account, one already there (through another region), or one brought back. */
function reconnectOutcome(stored: UpsertedConnection, region: Region | undefined): Pick<CallbackResult, 'outcome' | 'region'> {
  const { previous } = stored;
  if (stored.inserted || !previous) return { outcome: 'connected' };
  if (region && !previous.consentRegions.includes(region)) return { outcome: 'region_added', region };
  // A revoked connection's tokens were erased: there were none to replace.
  return { outcome: previous.hadTokens ? 'reconnected' : 'reconnected_after_revoke' };
}

/**
 * Unknown, replayed, another user's, another provider's or expired states are refused. Only a
 * state of the presenting user for this provider is consumed; any other stays usable by its
 * owner, who is told of the attempt in their audit log.
 */
async function validateState(input: CompleteAuthorization, fail: Fail): Promise<OAuthStateRow> {
  const raw = input.query.get('state');
  if (!raw || raw.length > 512) return fail('invalid_state', raw ? 'oversized_state' : 'missing_state');
  const stateHash = hashState(raw);
  const state = input.sessionUserId
    ? await consumeOAuthState(input.db, { stateHash, userId: input.sessionUserId, provider: input.provider })
    : undefined;
  if (state) return state.expired ? fail('state_expired', 'state_expired', state.user_id) : state;

  const owner = await findOAuthStateOwner(input.db, stateHash);
  if (!owner) return fail('invalid_state', 'unknown_or_used_state');
  if (owner.user_id === input.sessionUserId) return fail('invalid_state', 'state_of_another_provider');
  await recordAuditEvent(input.db, {
    userId: owner.user_id,
    actor: 'system',
    action: 'oauth.callback',
    outcome: 'denied',
    detail: {
      provider: owner.provider,
      outcome: 'invalid_state',
      reason: 'state_presented_by_another_user',
      presentedBy: input.sessionUserId ? 'another_signed_in_user' : 'no_session',
      presentedFor: input.provider,
    },
    requestId: input.requestId,
  });
  return fail('invalid_state', 'state_of_another_user');
}
