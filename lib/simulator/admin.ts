import { z } from 'zod';
import { SIMULATED_PROVIDERS } from './credentials';
import { revokeGrant } from './grants';
import { json } from './http';
import { applyKnobPatch } from './knobs';
import { externalIdsOf } from './persona-lookup';
import { seedGrant } from './seed';
import { resetSimulatorState, type Grant, type SimulatorState } from './state';
import { randomId } from './token-format';

/**
 * Test-only admin API under `/api/simulator/_admin/`: `GET state`, `GET issued`, `POST knobs`,
 * `POST reset`, `POST revoke`, and `POST seed`. Only `seed` and `issued` return token values:
 * `seed` is a fixture that creates grants directly (like a completed consent), for benchmarks and
 * tests that need thousands of live grants in a running server's simulator; `issued` lists every
 * code and token handed out, so a test can search logs for them. Like the rest, it exists only
 * while the simulator does, behind SIMULATOR_ADMIN_SECRET (access.ts); `issued` wants the secret
 * even in development, where the rest is open without one.
 */

const revokeSchema = z.object({
  provider: z.enum(SIMULATED_PROVIDERS),
  /** A persona id, or any id a connection may hold for it (user id, profile/ad account id, URN). */
  externalAccountId: z.string().min(1),
  /** As if the user removed the app (default), or changed their password (Meta answers 190/460). */
  reason: z.enum(['removed_by_user', 'password_changed']).default('removed_by_user'),
});

const SEEDABLE = ['x', 'amazon-ads', 'linkedin'] as const;
type Seedable = (typeof SEEDABLE)[number];

/** The scopes a real connect flow asks each provider for (lib/providers/*). */
const SEED_SCOPES: Record<Seedable, string[]> = {
  x: ['tweet.read', 'users.read', 'offline.access'],
  'amazon-ads': ['advertising::campaign_management', 'profile'],
  linkedin: ['openid', 'profile', 'email', 'r_ads', 'r_ads_reporting'],
};

const seedSchema = z
  .object({
    provider: z.enum(SEEDABLE),
    count: z.number().int().min(1).max(20_000),
    accessTtlSec: z.number().int().min(1).optional(),
  })
  .strict();

export interface SeededGrant {
  personaId: string;
  accessToken: string;
  refreshToken: string;
  expiresInSec: number;
}

/** Creates `count` consented grants, each for its own synthetic persona (X allows one grant per user). */
export function seedGrants(state: SimulatorState, input: z.input<typeof seedSchema>): SeededGrant[] {
  const { provider, count, accessTtlSec } = seedSchema.parse(input);
  const batch = randomId('seed');
  return Array.from({ length: count }, (_, i) => {
    const personaId = `${provider}-${batch}-${i}`;
    return { personaId, ...seedGrant(state, provider, { personaId, scopes: SEED_SCOPES[provider], accessTtlSec }) };
  });
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return null; // fails every schema
  }
}

function invalid(error: z.ZodError | undefined, what: string): Response {
  return json({ error: 'invalid_request', message: `Invalid ${what}`, issues: error?.issues ?? [] }, 400);
}

export async function handleAdminRequest(state: SimulatorState, request: Request, action: string): Promise<Response> {
  const route = `${request.method.toUpperCase()} ${action}`;
  switch (route) {
    case 'GET state':
      return json(describeState(state));
    case 'GET issued':
      return json(listIssued(state));
    case 'POST knobs': {
      try {
        state.knobs = applyKnobPatch(state.knobs, await readJson(request));
      } catch (err) {
        return invalid(err instanceof z.ZodError ? err : undefined, 'knobs');
      }
      return json({ knobs: state.knobs });
    }
    case 'POST reset':
      resetSimulatorState(state);
      return json({ ok: true });
    case 'POST revoke': {
      const parsed = revokeSchema.safeParse(await readJson(request));
      if (!parsed.success) return invalid(parsed.error, 'revoke request');
      const revoked = revokeByExternalId(state, parsed.data);
      if (revoked === 0) return json({ error: 'grant_not_found', message: 'No live grant matches that provider and account.' }, 404);
      return json({ revokedGrants: revoked });
    }
    case 'POST seed': {
      const parsed = seedSchema.safeParse(await readJson(request));
      if (!parsed.success) return invalid(parsed.error, 'seed request');
      return json({ grants: seedGrants(state, parsed.data) });
    }
    default:
      return json({ error: 'not_found', message: `Unknown admin endpoint ${route}` }, 404);
  }
}

/** Marks the matching live grants revoked, as if the user acted at the provider. Returns how many. */
export function revokeByExternalId(state: SimulatorState, input: z.input<typeof revokeSchema>): number {
  const { provider, externalAccountId, reason } = revokeSchema.parse(input);
  let count = 0;
  for (const grant of state.grants.values()) {
    if (grant.provider !== provider || grant.revoked) continue;
    if (!externalIdsOf(provider, grant.personaId).includes(externalAccountId)) continue;
    revokeGrant(state, grant, reason, 'admin');
    count += 1;
  }
  return count;
}

function describeGrant(state: SimulatorState, grant: Grant) {
  const now = state.now();
  const live = [...state.accessTokens.values()].filter(
    (t) => t.grantId === grant.id && !t.revoked && (t.expiresAt === null || t.expiresAt > now),
  ).length;
  return {
    id: grant.id,
    provider: grant.provider,
    clientId: grant.clientId,
    personaId: grant.personaId,
    scopes: grant.scopes,
    consentedAt: new Date(grant.consentedAt).toISOString(),
    revoked: grant.revoked ? { at: new Date(grant.revoked.at).toISOString(), reason: grant.revoked.reason } : null,
    refreshCount: grant.refreshCount,
    liveAccessTokens: grant.revoked ? 0 : live,
  };
}

/**
 * Every authorization code, access token (Meta page tokens included) and refresh token still held,
 * with the persona it was issued to (a test checks a stored token belongs to the right person).
 */
export function listIssued(state: SimulatorState) {
  const personaOf = (grantId: string) => state.grants.get(grantId)?.personaId ?? null;
  return {
    codes: [...state.codes.values()].map((c) => ({ provider: c.provider, value: c.code, personaId: c.personaId })),
    accessTokens: [...state.accessTokens.values()].map((t) => ({ provider: t.provider, value: t.token, personaId: personaOf(t.grantId) })),
    refreshTokens: [...state.refreshTokens.values()].map((t) => ({ provider: t.provider, value: t.token, personaId: personaOf(t.grantId) })),
  };
}

/** Knobs, stats and grants; no token, code or secret. */
export function describeState(state: SimulatorState) {
  return {
    now: new Date(state.now()).toISOString(),
    knobs: state.knobs,
    stats: state.stats,
    grants: [...state.grants.values()].map((g) => describeGrant(state, g)),
  };
}
