import { findAmazonPersona, findLinkedInPersona, findMetaPersona, findXPersona } from '@/lib/simulator/persona-lookup';
import type { SimulatedProvider } from '@/lib/simulator/credentials';

/**
 * Many OAuth flows at once, each by its own user as its own synthetic simulator persona
 * (`bench-<n>`): what each should store, and the check that none crossed. Shared by
 * tests/integration/concurrent-connect.test.ts and the benchmark (bench/oauth-flows.ts).
 */

export const FLOW_PROVIDERS = ['x', 'amazon-ads', 'linkedin', 'meta'] as const satisfies readonly SimulatedProvider[];

export interface Flow {
  userId: string;
  provider: SimulatedProvider;
  personaId: string;
}

/** The external account id the app stores for a persona (lib/providers/<slug>/accounts.ts chooses it). */
export function expectedExternalId(provider: SimulatedProvider, personaId: string): string | undefined {
  switch (provider) {
    case 'x':
      return findXPersona(personaId)?.userId;
    case 'amazon-ads':
      return findAmazonPersona(personaId)?.userId;
    case 'linkedin':
      return findLinkedInPersona(personaId)?.sub;
    case 'meta':
      return findMetaPersona(personaId)?.userId;
  }
}

export interface StoredConnection {
  userId: string;
  provider: string;
  externalAccountId: string;
  accessToken: string;
  refreshToken: string | null;
}

/**
 * Every flow's problem, if any: its user must hold exactly one connection of that provider with
 * the persona's external id, and its tokens must be ones the simulator issued to that persona
 * (`personaOfToken`: the simulator's issued list). Also a connection nobody's flow asked for.
 */
export function crossedFlows(flows: Flow[], stored: StoredConnection[], personaOfToken: Map<string, string | null>): string[] {
  const problems: string[] = [];
  const claimed = new Set<StoredConnection>();
  for (const flow of flows) {
    const external = expectedExternalId(flow.provider, flow.personaId);
    const mine = stored.filter((c) => c.userId === flow.userId && c.provider === flow.provider && c.externalAccountId === external);
    if (mine.length !== 1) {
      problems.push(`${flow.userId} ${flow.provider} ${flow.personaId}: ${mine.length} connections with ${external}`);
      continue;
    }
    const c = mine[0]!;
    claimed.add(c);
    if (personaOfToken.get(c.accessToken) !== flow.personaId) problems.push(`${flow.userId} ${flow.provider} ${flow.personaId}: access token of another persona`);
    if (c.refreshToken !== null && personaOfToken.get(c.refreshToken) !== flow.personaId) {
      problems.push(`${flow.userId} ${flow.provider} ${flow.personaId}: refresh token of another persona`);
    }
  }
  for (const c of stored) if (!claimed.has(c)) problems.push(`${c.userId} ${c.provider}: connection ${c.externalAccountId} no flow made`);
  return problems;
}
