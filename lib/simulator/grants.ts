import type { SimulatedProvider } from './credentials';
import { recordRevocations } from './stats';
import type { AccessTokenRecord, AuthCode, Grant, RefreshTokenRecord, RevokedReason, SimulatorState } from './state';
import { mintToken, randomId } from './token-format';

/** Codes, grants and tokens: issuing, looking up, revoking. Provider modules decide the policy. */

export function issueCode(
  state: SimulatorState,
  init: Omit<AuthCode, 'code' | 'issuedAt' | 'expiresAt' | 'usedAt'>,
  lifetimeSec: number,
): AuthCode {
  const issuedAt = state.now();
  const code: AuthCode = { ...init, code: mintToken(init.provider, 'code', issuedAt), issuedAt, expiresAt: issuedAt + lifetimeSec * 1000 };
  state.codes.set(code.code, code);
  return code;
}

export type CodeLookup =
  | { ok: true; code: AuthCode }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'wrong_client' | 'wrong_redirect' };

/** Checks a code without spending it; call markCodeUsed once every other check has passed. */
export function findCode(
  state: SimulatorState,
  provider: SimulatedProvider,
  value: string,
  clientId: string,
  redirectUri: string | undefined,
): CodeLookup {
  const code = state.codes.get(value);
  if (!code || code.provider !== provider) return { ok: false, reason: 'unknown' };
  if (code.usedAt !== undefined) return { ok: false, reason: 'used' };
  if (state.now() >= code.expiresAt) return { ok: false, reason: 'expired' };
  if (code.clientId !== clientId) return { ok: false, reason: 'wrong_client' };
  if (code.redirectUri !== redirectUri) return { ok: false, reason: 'wrong_redirect' };
  return { ok: true, code };
}

export function markCodeUsed(state: SimulatorState, code: AuthCode): void {
  code.usedAt = state.now();
}

/**
 * A fresh grant for each authorization (Amazon, X), unless `reuse` accepts the user's live grant
 * for this app: LinkedIn and Meta keep one grant per (app, user) across re-consents, and LinkedIn
 * counts its refresh-token end from that first consent [LI2].
 */
export function grantForCode(state: SimulatorState, code: AuthCode, reuse?: (grant: Grant) => boolean): Grant {
  const existing = reuse && liveGrantsOf(state, code.provider, code.clientId, code.personaId).find(reuse);
  if (existing) return existing;
  const grant: Grant = {
    id: randomId('grant'),
    provider: code.provider,
    clientId: code.clientId,
    personaId: code.personaId,
    scopes: code.scopes,
    consentedAt: code.issuedAt,
    refreshCount: 0,
  };
  state.grants.set(grant.id, grant);
  return grant;
}

export function liveGrantsOf(state: SimulatorState, provider: SimulatedProvider, clientId: string | undefined, personaId: string): Grant[] {
  return [...state.grants.values()].filter(
    (g) => g.provider === provider && !g.revoked && g.personaId === personaId && (clientId === undefined || g.clientId === clientId),
  );
}

/** Ends a grant and every token descended from it; `via` says who did it, for the stats. */
export function revokeGrant(state: SimulatorState, grant: Grant, reason: RevokedReason, via: 'endpoint' | 'admin' | 'superseded'): void {
  if (grant.revoked) return;
  grant.revoked = { at: state.now(), reason };
  recordRevocations(state.stats, grant.provider, via);
}

export function issueAccessToken(
  state: SimulatorState,
  grant: Grant,
  ttlSec: number | null,
  extra: Pick<AccessTokenRecord, 'kind'> & Partial<Pick<AccessTokenRecord, 'longLived' | 'pageId' | 'parentToken'>> = { kind: 'user' },
): AccessTokenRecord {
  const now = state.now();
  const record: AccessTokenRecord = {
    token: mintToken(grant.provider, 'access', now),
    provider: grant.provider,
    grantId: grant.id,
    issuedAt: now,
    expiresAt: ttlSec === null ? null : now + ttlSec * 1000,
    ...extra,
  };
  state.accessTokens.set(record.token, record);
  return record;
}

export function issueRefreshToken(state: SimulatorState, grant: Grant): RefreshTokenRecord {
  const now = state.now();
  const record: RefreshTokenRecord = { token: mintToken(grant.provider, 'refresh', now), provider: grant.provider, grantId: grant.id, issuedAt: now };
  state.refreshTokens.set(record.token, record);
  return record;
}

export type AccessTokenLookup =
  | { ok: true; record: AccessTokenRecord; grant: Grant }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'expired'; record: AccessTokenRecord; grant: Grant }
  | { ok: false; reason: 'revoked'; record: AccessTokenRecord; grant: Grant; revokedReason: RevokedReason };

export function lookupAccessToken(state: SimulatorState, provider: SimulatedProvider, value: string | undefined): AccessTokenLookup {
  const record = value ? state.accessTokens.get(value) : undefined;
  const grant = record ? state.grants.get(record.grantId) : undefined;
  if (!record || !grant || record.provider !== provider) return { ok: false, reason: 'unknown' };
  if (grant.revoked) return { ok: false, reason: 'revoked', record, grant, revokedReason: grant.revoked.reason };
  if (record.revoked) return { ok: false, reason: 'revoked', record, grant, revokedReason: 'revoked_by_app' };
  if (record.expiresAt !== null && state.now() >= record.expiresAt) return { ok: false, reason: 'expired', record, grant };
  return { ok: true, record, grant };
}

export type RefreshTokenLookup =
  | { ok: true; record: RefreshTokenRecord; grant: Grant }
  | { ok: false; reason: 'unknown' | 'spent' | 'revoked'; grant?: Grant };

export function lookupRefreshToken(state: SimulatorState, provider: SimulatedProvider, value: string | undefined): RefreshTokenLookup {
  const record = value ? state.refreshTokens.get(value) : undefined;
  const grant = record ? state.grants.get(record.grantId) : undefined;
  if (!record || !grant || record.provider !== provider) return { ok: false, reason: 'unknown' };
  if (grant.revoked || record.revoked) return { ok: false, reason: 'revoked', grant };
  if (record.spentAt !== undefined) return { ok: false, reason: 'spent', grant };
  return { ok: true, record, grant };
}

/** Revokes the access tokens of a grant (LinkedIn: a new scope set invalidates older tokens [LI1]). */
export function revokeAccessTokensOf(state: SimulatorState, grant: Grant): void {
  for (const record of state.accessTokens.values()) if (record.grantId === grant.id) record.revoked = true;
}

const DAY_MS = 86_400_000;

/** Drops long-dead codes and tokens so a demo left running does not grow without bound. */
export function pruneState(state: SimulatorState): void {
  const now = state.now();
  if (now - state.lastPrunedAt < 60_000) return;
  state.lastPrunedAt = now;
  for (const [key, code] of state.codes) if (now - code.expiresAt > DAY_MS) state.codes.delete(key);
  for (const [key, t] of state.accessTokens) if (t.expiresAt !== null && now - t.expiresAt > DAY_MS) state.accessTokens.delete(key);
  for (const [key, t] of state.refreshTokens) if (t.spentAt !== undefined && now - t.spentAt > 7 * DAY_MS) state.refreshTokens.delete(key);
}
