/**
 * The client credentials the provider simulator accepts. Deliberately import-free so the OAuth
 * client engine can read them without pulling in the simulator.
 */

export const SIMULATED_PROVIDERS = ['amazon-ads', 'linkedin', 'x', 'meta'] as const;
export type SimulatedProvider = (typeof SIMULATED_PROVIDERS)[number];

export const SIMULATOR_CREDENTIALS: Record<SimulatedProvider, { clientId: string; clientSecret: string }> = {
  'amazon-ads': { clientId: 'sim-amazon-ads-client', clientSecret: 'sim-amazon-ads-secret' },
  linkedin: { clientId: 'sim-linkedin-client', clientSecret: 'sim-linkedin-secret' },
  x: { clientId: 'sim-x-client', clientSecret: 'sim-x-secret' },
  meta: { clientId: 'sim-meta-client', clientSecret: 'sim-meta-secret' },
};

/** Where the simulator is mounted; a real `https://<host><path>` lives at `${prefix}/<slug>/<host><path>`. */
export const SIMULATOR_PATH_PREFIX = '/api/simulator';
