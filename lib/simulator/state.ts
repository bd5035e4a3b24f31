import type { SimulatedProvider } from './credentials';
import { knobsFromEnv, type Knobs } from './knobs';
import { createStats, type SimulatorStats } from './stats';

/**
 * Everything the simulator remembers lives in one object: tests make their own with
 * createSimulatorState(); the route keeps one per process (process-state.ts).
 */

/** Why a grant stopped working; Meta maps these to its 190 subcodes [M4]. */
export type RevokedReason = 'revoked_by_app' | 'removed_by_user' | 'password_changed' | 'superseded';

/** A user's authorization of the app, from which codes' tokens descend. */
export interface Grant {
  id: string;
  provider: SimulatedProvider;
  clientId: string;
  personaId: string;
  scopes: string[];
  /** First consent, ms since epoch: LinkedIn's refresh-token end is counted from here [LI2]. */
  consentedAt: number;
  revoked?: { at: number; reason: RevokedReason };
  /** Non-rotating providers (Amazon, LinkedIn) hand out one refresh token per grant. */
  refreshToken?: string;
  /** Amazon: how many refreshes so far (the `alternate` knob omits the refresh token every other time). */
  refreshCount: number;
}

export interface AuthCode {
  code: string;
  provider: SimulatedProvider;
  clientId: string;
  redirectUri: string;
  personaId: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  issuedAt: number;
  expiresAt: number;
  usedAt?: number;
}

export interface AccessTokenRecord {
  token: string;
  provider: SimulatedProvider;
  grantId: string;
  /** ms since epoch; null: does not expire (Meta page tokens from a long-lived user token [M22]). */
  expiresAt: number | null;
  issuedAt: number;
  kind: 'user' | 'page';
  /** Meta: token came from fb_exchange_token. */
  longLived?: boolean;
  pageId?: string;
  /** Meta page tokens: the user token they were handed out with. */
  parentToken?: string;
  revoked?: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  provider: SimulatedProvider;
  grantId: string;
  issuedAt: number;
  /** X rotation: set when this token has been exchanged; it never works again [X3]. */
  spentAt?: number;
  revoked?: boolean;
}

export interface SimulatorState {
  /** ms since epoch; injectable so tests can age codes and tokens. */
  now: () => number;
  /** Waits (latency, timeout failures); injectable so tests need not wait for real. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  knobs: Knobs;
  /** The knobs a reset goes back to. */
  initialKnobs: Knobs;
  grants: Map<string, Grant>;
  codes: Map<string, AuthCode>;
  accessTokens: Map<string, AccessTokenRecord>;
  refreshTokens: Map<string, RefreshTokenRecord>;
  stats: SimulatorStats;
  lastPrunedAt: number;
}

export interface SimulatorStateOptions {
  now?: () => number;
  sleep?: SimulatorState['sleep'];
  /** Starting knobs; default: DEFAULT_KNOBS with SIMULATOR_* overrides from `env`. */
  knobs?: Knobs;
  env?: Record<string, string | undefined>;
}

export function createSimulatorState(options: SimulatorStateOptions = {}): SimulatorState {
  const knobs = options.knobs ?? knobsFromEnv(options.env ?? {});
  return {
    now: options.now ?? Date.now,
    sleep: options.sleep ?? realSleep,
    knobs: structuredClone(knobs),
    initialKnobs: structuredClone(knobs),
    grants: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    stats: createStats(),
    lastPrunedAt: 0,
  };
}

/** Forgets every grant, code, token and count, and restores the starting knobs. */
export function resetSimulatorState(state: SimulatorState): void {
  state.knobs = structuredClone(state.initialKnobs);
  state.grants.clear();
  state.codes.clear();
  state.accessTokens.clear();
  state.refreshTokens.clear();
  state.stats = createStats();
  state.lastPrunedAt = 0;
}

/** setTimeout that an abort ends early (a client that gave up need not be waited for). */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
