import { simulateConsent } from './consent-driver';
import { SIMULATOR_CREDENTIALS, type SimulatedProvider } from './credentials';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import type { Knobs } from './knobs';
import { createSimulatorState, type SimulatorState, type SimulatorStateOptions } from './state';

/**
 * A simulator with a hand-driven clock and an in-process fetch, speaking in real provider URLs.
 * For tests only (here and in integration tests of the flows and the refresh engine).
 */

export const TEST_ORIGIN = 'http://simulator.test';
export const TEST_REDIRECT_URI = 'http://app.test/api/v1/oauth/callback';

export interface SimulatorTestClient {
  state: SimulatorState;
  fetch: typeof fetch;
  /** Moves the simulator's clock forward. */
  advance(seconds: number): void;
  url(realUrl: string): string;
  get(realUrl: string, headers?: Record<string, string>): Promise<Response>;
  post(realUrl: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** Consent at a real authorize URL with these query parameters; returns the redirect target. */
  consent(realAuthorizeUrl: string, query: Record<string, string>, choice?: { personaId?: string; decision?: 'allow' | 'deny' }): Promise<URL>;
  setKnobs(update: (knobs: Knobs) => void): void;
}

export function createSimulatorTestClient(
  provider: SimulatedProvider,
  /** `sleep` defaults to returning at once (latency and timeouts cost no time); pass realSleep to wait. */
  options: Omit<SimulatorStateOptions, 'now'> & { startAt?: number } = {},
): SimulatorTestClient {
  let nowMs = options.startAt ?? Date.UTC(2026, 0, 15, 12, 0, 0);
  const state = createSimulatorState({ ...options, sleep: options.sleep ?? (async () => {}), now: () => nowMs });
  const simFetch = createSimulatorFetch(state, { origin: TEST_ORIGIN, context: { admin: 'open', redirectUris: () => [TEST_REDIRECT_URI] } });
  const url = (realUrl: string) => toSimulatorUrl(TEST_ORIGIN, provider, realUrl);
  return {
    state,
    fetch: simFetch,
    advance(seconds) {
      nowMs += seconds * 1000;
    },
    url,
    get: (realUrl, headers = {}) => simFetch(url(realUrl), { headers }),
    post: (realUrl, form, headers = {}) => simFetch(url(realUrl), { method: 'POST', body: new URLSearchParams(form), headers }),
    consent: (realAuthorizeUrl, query, choice) => {
      const target = new URL(realAuthorizeUrl);
      for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
      return simulateConsent(simFetch, url(target.toString()), choice);
    },
    setKnobs(update) {
      update(state.knobs);
    },
  };
}

export function basicAuth(provider: SimulatedProvider, secret = SIMULATOR_CREDENTIALS[provider].clientSecret): Record<string, string> {
  const id = SIMULATOR_CREDENTIALS[provider].clientId;
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}
