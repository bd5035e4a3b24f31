import 'server-only';
import type { Env } from '../env';
import { simulatorEnabled } from '../modes';
import { SIMULATOR_CREDENTIALS, SIMULATOR_PATH_PREFIX } from '../simulator/credentials';
import { DEFAULT_TIMEOUT_MS } from '../oauth/http';
import { amazonAds } from './amazon-ads/definition';
import { createLinkedInDefinition } from './linkedin/definition';
import { createMetaDefinition } from './meta/definition';
import { createOidcDefinition, discoverOidcIssuer } from './oidc';
import { PROVIDER_SLUGS, type ProviderDefinition, type ProviderSlug, type ResolvedProvider } from './types';
import { x } from './x/definition';

/**
 * Which providers exist, where their credentials come from, and whether the simulator stands in:
 * client credentials from the environment, else (simulator enabled) the simulator's, else
 * "not configured". The generic OIDC provider is never simulated.
 */

export type PlatformSlug = Exclude<ProviderSlug, 'oidc'>;
export const PLATFORM_SLUGS: readonly PlatformSlug[] = ['amazon-ads', 'linkedin', 'x', 'meta'];


type ProvidersEnv = Pick<Env, 'providers'>;

export interface DefinitionContext {
  env?: ProvidersEnv;
  /** The simulator issues LinkedIn refresh tokens, like an approved partner app. */
  simulated?: boolean;
}

// The same defaults lib/env.ts applies when the variables are unset.
const DEFAULT_LINKEDIN_API_VERSION = '202603';
const DEFAULT_META_GRAPH_VERSION = 'v25.0';

/** The definition of a platform; `oidc` needs discovery, so it is only available from resolveProvider. */
export function getProviderDefinition(slug: PlatformSlug, context?: DefinitionContext): ProviderDefinition;
export function getProviderDefinition(slug: ProviderSlug, context?: DefinitionContext): ProviderDefinition | null;
export function getProviderDefinition(slug: ProviderSlug, context: DefinitionContext = {}): ProviderDefinition | null {
  const providers = context.env?.providers;
  switch (slug) {
    case 'amazon-ads':
      return amazonAds;
    case 'x':
      return x;
    case 'linkedin':
      return createLinkedInDefinition({
        refreshTokens: context.simulated === true || (providers?.linkedinRefreshTokens ?? false),
        apiVersion: providers?.linkedinApiVersion ?? DEFAULT_LINKEDIN_API_VERSION,
      });
    case 'meta':
      return createMetaDefinition({
        graphVersion: providers?.metaGraphVersion ?? DEFAULT_META_GRAPH_VERSION,
        appSecretProof: providers?.metaAppSecretProof ?? false,
      });
    case 'oidc':
      return null;
  }
}

/** Simulator mode: `https://<host><path>?q` → `<origin>/api/simulator/<slug>/<host><path>?q` (design.md). */
export function createSimulatorRewrite(origin: string, slug: PlatformSlug): (url: string) => string {
  const base = `${origin.replace(/\/+$/, '')}${SIMULATOR_PATH_PREFIX}/${slug}/`;
  return (url) => {
    const match = /^https:\/\/([^/?#]+)(.*)$/i.exec(url);
    return match ? `${base}${match[1]}${match[2]}` : url;
  };
}

/** fetch that sends to the rewritten URL and gives up after `timeoutMs` unless the call brings its own signal. */
export function createProviderFetch(rewriteUrl: (url: string) => string, timeoutMs: number, base?: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = rewriteUrl(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const target = input instanceof Request ? new Request(url, input) : url;
    // Resolved at call time, so test interceptors installed after import still see the call.
    return (base ?? globalThis.fetch)(target, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  };
}

export interface ResolveOptions {
  env: Pick<Env, 'providers' | 'simulator' | 'nodeEnv'>;
  /** This app's origin, for simulator URLs, e.g. http://localhost:3000. */
  origin: string;
  fetch?: typeof fetch;
  /** Default per-request timeout (15 s). */
  timeoutMs?: number;
}

const identity = (url: string) => url;

/**
 * A provider ready to use, or null when it is not configured (no credentials and no simulator).
 * Async because the OIDC provider reads its issuer's discovery document; that failing throws a
 * transient ProviderError.
 */
export async function resolveProvider(slug: ProviderSlug, options: ResolveOptions): Promise<ResolvedProvider | null> {
  const { env } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (slug === 'oidc') {
    const config = env.providers.oidc;
    if (!config) return null;
    const fetchFn = createProviderFetch(identity, timeoutMs, options.fetch);
    const metadata = await discoverOidcIssuer(config.issuer, { fetch: fetchFn });
    return {
      definition: createOidcDefinition(metadata, { scopes: config.scopes, name: config.name }),
      credentials: { clientId: config.clientId, clientSecret: config.clientSecret },
      simulated: false,
      rewriteUrl: identity,
      fetch: fetchFn,
    };
  }
  const configured = env.providers[slug];
  if (configured) {
    return {
      definition: getProviderDefinition(slug, { env }),
      credentials: { clientId: configured.clientId, clientSecret: configured.clientSecret },
      simulated: false,
      rewriteUrl: identity,
      fetch: createProviderFetch(identity, timeoutMs, options.fetch),
    };
  }
  if (!simulatorEnabled(env)) return null;
  const rewriteUrl = createSimulatorRewrite(options.origin, slug);
  return {
    definition: getProviderDefinition(slug, { env, simulated: true }),
    credentials: { ...SIMULATOR_CREDENTIALS[slug] },
    simulated: true,
    rewriteUrl,
    fetch: createProviderFetch(rewriteUrl, timeoutMs, options.fetch),
  };
}

export type ProviderConfigurationStatus = 'configured' | 'simulated' | 'not_configured';

export interface ProviderStatus {
  slug: ProviderSlug;
  name: string;
  status: ProviderConfigurationStatus;
  /** What to set to connect the real provider. */
  envVars: string[];
  optionalEnvVars: string[];
}

const OPTIONAL_ENV_VARS: Partial<Record<ProviderSlug, string[]>> = {
  linkedin: ['LINKEDIN_REFRESH_TOKENS', 'LINKEDIN_API_VERSION'],
  meta: ['META_GRAPH_VERSION', 'META_APP_SECRET_PROOF'],
  oidc: ['OIDC_SCOPES', 'OIDC_NAME'],
};

/** For the dashboard and health: every provider, how it is served, and what to set. No secrets. */
export function listProviderStatus(env: Pick<Env, 'providers' | 'simulator' | 'nodeEnv'>): ProviderStatus[] {
  return PROVIDER_SLUGS.map((slug) => {
    const optionalEnvVars = OPTIONAL_ENV_VARS[slug] ?? [];
    if (slug === 'oidc') {
      return {
        slug,
        name: env.providers.oidc?.name ?? 'OpenID Connect',
        status: env.providers.oidc ? 'configured' : 'not_configured',
        envVars: ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'],
        optionalEnvVars,
      };
    }
    const definition = getProviderDefinition(slug, { env });
    const status: ProviderConfigurationStatus = env.providers[slug]
      ? 'configured'
      : simulatorEnabled(env)
        ? 'simulated'
        : 'not_configured';
    const prefix = definition.envPrefix;
    return { slug, name: definition.name, status, envVars: [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`], optionalEnvVars };
  });
}
