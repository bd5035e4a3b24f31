import { SIMULATED_PROVIDERS, type SimulatedProvider } from './credentials';

/** Counts and a short call log per provider. Never holds a token, code or secret. */

export interface CallLogEntry {
  at: string;
  method: string;
  /** Host and path only: Meta puts tokens and secrets in the query string. */
  endpoint: string;
  status: number;
  grantType?: string;
  outcome?: string;
}

export interface ProviderStats {
  /** grant type → outcome (`ok`, an error code, or `injected_<kind>`) → count */
  tokenCalls: Record<string, Record<string, number>>;
  revocations: { endpoint: number; admin: number; superseded: number };
  recentCalls: CallLogEntry[];
}

export type SimulatorStats = Record<SimulatedProvider, ProviderStats>;

const RECENT_CALLS = 100;

export function createStats(): SimulatorStats {
  return Object.fromEntries(
    SIMULATED_PROVIDERS.map((p) => [p, { tokenCalls: {}, revocations: { endpoint: 0, admin: 0, superseded: 0 }, recentCalls: [] }]),
  ) as unknown as SimulatorStats;
}

export function recordTokenCall(stats: SimulatorStats, provider: SimulatedProvider, grantType: string, outcome: string): void {
  const byOutcome = (stats[provider].tokenCalls[grantType] ??= {});
  byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
}

export function recordCall(stats: SimulatorStats, provider: SimulatedProvider, entry: CallLogEntry): void {
  const log = stats[provider].recentCalls;
  log.push(entry);
  if (log.length > RECENT_CALLS) log.splice(0, log.length - RECENT_CALLS);
}

export function recordRevocations(
  stats: SimulatorStats,
  provider: SimulatedProvider,
  via: keyof ProviderStats['revocations'],
  count = 1,
): void {
  stats[provider].revocations[via] += count;
}

/** Total token calls for a provider and grant type with a given outcome (0 when none). */
export function countTokenCalls(stats: SimulatorStats, provider: SimulatedProvider, grantType: string, outcome = 'ok'): number {
  return stats[provider].tokenCalls[grantType]?.[outcome] ?? 0;
}
