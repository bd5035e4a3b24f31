import { SIMULATOR_CREDENTIALS, type SimulatedProvider } from './credentials';
import { issueAccessToken, issueRefreshToken } from './grants';
import type { Grant, SimulatorState } from './state';
import { randomId } from './token-format';

/**
 * Creates a consented grant directly, without the consent page and code exchange: for tests and
 * benchmarks that need hundreds or thousands of live grants (X allows one per user, so each gets
 * its own synthetic user id). Returns tokens exactly as a code exchange would have issued them.
 */
export function seedGrant(
  state: SimulatorState,
  provider: Exclude<SimulatedProvider, 'meta'>,
  opts: { personaId: string; scopes: string[]; accessTtlSec?: number },
): { accessToken: string; refreshToken: string; expiresInSec: number } {
  const grant: Grant = {
    id: randomId('grant'),
    provider,
    clientId: SIMULATOR_CREDENTIALS[provider].clientId,
    personaId: opts.personaId,
    scopes: opts.scopes,
    consentedAt: state.now(),
    refreshCount: 0,
  };
  state.grants.set(grant.id, grant);
  const ttl = opts.accessTtlSec ?? state.knobs[provider].accessTokenTtlSec;
  const access = issueAccessToken(state, grant, ttl);
  const refresh = issueRefreshToken(state, grant);
  // Non-rotating providers hand out one refresh token per grant.
  if (provider !== 'x') grant.refreshToken = refresh.token;
  return { accessToken: access.token, refreshToken: refresh.token, expiresInSec: ttl };
}
