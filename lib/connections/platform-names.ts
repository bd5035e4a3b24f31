import 'server-only';
import { PROVIDER_SLUGS, type ProviderSlug } from '../providers/types';

/**
 * The Python prototype's platform names (lib/connections/prototype-compat.ts). Apart from that
 * module because lib/api-schemas/compat.ts builds its enum from them at load, and prototype-compat
 * parses requests with that schema: one module for both would be an import cycle.
 */

/** The prototype's platform names that are not our slugs (it knew Amazon Ads as "amazon"). */
export const PROTOTYPE_PLATFORM_ALIASES = { amazon: 'amazon-ads', twitter: 'x', facebook: 'meta' } as const satisfies Record<string, ProviderSlug>;
export const PROTOTYPE_PLATFORMS = [...PROVIDER_SLUGS, ...(Object.keys(PROTOTYPE_PLATFORM_ALIASES) as (keyof typeof PROTOTYPE_PLATFORM_ALIASES)[])];

export function resolvePlatform(name: string): ProviderSlug | null {
  if ((PROVIDER_SLUGS as readonly string[]).includes(name)) return name as ProviderSlug;
  return Object.hasOwn(PROTOTYPE_PLATFORM_ALIASES, name) ? PROTOTYPE_PLATFORM_ALIASES[name as keyof typeof PROTOTYPE_PLATFORM_ALIASES] : null;
}
