import { z } from 'zod';
import { SIMULATED_PROVIDERS, type SimulatedProvider } from './credentials';

/**
 * Knobs for tests, demos and benchmarks. Defaults follow providers.md; the environment can
 * override some at start (SIMULATOR_ACCESS_TOKEN_TTL=120 shows refreshes within minutes), and
 * `POST /api/simulator/_admin/knobs` changes them at run time.
 */

const failureSchema = z.object({
  kind: z.enum(['invalid_grant', 'rate_limited', 'server_error', 'timeout']),
  count: z.number().int().min(1).default(1),
  /** rate_limited: the Retry-After value (ignored for Meta, which sends none [M5]). */
  retryAfterSec: z.number().int().min(0).optional(),
  /** timeout: how long the response is held (default 30 s; the client should give up first). */
  timeoutMs: z.number().int().min(0).optional(),
});
export type InjectedFailure = z.infer<typeof failureSchema>;

const commonPatch = z.object({
  accessTokenTtlSec: z.number().int().min(1),
  latencyMs: z.number().int().min(0),
  /** Replaces the queue; each token-endpoint call consumes one failure from the head. */
  failures: z.array(failureSchema),
});

const patchSchema = z
  .object({
    all: commonPatch.partial(),
    'amazon-ads': commonPatch
      .extend({
        /** [AZ14] shows `"expires_in":"3600"`; clients must parse both. */
        expiresInAsString: z.boolean(),
        /** [AZ2]/[AZ16]: the same refresh token comes back, or none at all. */
        refreshTokenOnRefresh: z.enum(['same', 'omit', 'alternate']),
      })
      .partial(),
    linkedin: commonPatch
      .extend({
        /** [LI2]: refresh tokens only for apps approved for programmatic refresh. */
        programmaticRefresh: z.boolean(),
        refreshTokenTtlSec: z.number().int().min(1),
        /** [LI3][LI13]: documented as spaces, observed as commas. */
        scopeSeparator: z.enum([' ', ',']),
      })
      .partial(),
    x: commonPatch.partial(),
    meta: commonPatch
      .extend({
        longLivedTtlSec: z.number().int().min(1),
        /** Graph throttling [M5]: the next `count` Graph (non-token) calls fail with this code. */
        graphThrottle: z.object({ code: z.union([z.literal(4), z.literal(17), z.literal(613)]), count: z.number().int().min(1) }).nullable(),
        /** The app setting "Require App Secret": Graph calls without appsecret_proof fail [M17]. */
        requireAppSecretProof: z.boolean(),
      })
      .partial(),
  })
  .partial()
  .strict();
export type KnobPatch = z.input<typeof patchSchema>;

export interface CommonKnobs {
  accessTokenTtlSec: number;
  latencyMs: number;
  failures: InjectedFailure[];
}

export interface Knobs {
  'amazon-ads': CommonKnobs & { expiresInAsString: boolean; refreshTokenOnRefresh: 'same' | 'omit' | 'alternate' };
  linkedin: CommonKnobs & { programmaticRefresh: boolean; refreshTokenTtlSec: number; scopeSeparator: ' ' | ',' };
  x: CommonKnobs;
  meta: CommonKnobs & {
    longLivedTtlSec: number;
    graphThrottle: { code: 4 | 17 | 613; count: number } | null;
    requireAppSecretProof: boolean;
  };
}

export const DEFAULT_KNOBS: Knobs = {
  'amazon-ads': { accessTokenTtlSec: 3600, latencyMs: 0, failures: [], expiresInAsString: false, refreshTokenOnRefresh: 'alternate' },
  linkedin: {
    accessTokenTtlSec: 5_184_000,
    latencyMs: 0,
    failures: [],
    programmaticRefresh: true,
    refreshTokenTtlSec: 31_536_000,
    scopeSeparator: ',',
  },
  x: { accessTokenTtlSec: 7200, latencyMs: 0, failures: [] },
  meta: { accessTokenTtlSec: 5400, latencyMs: 0, failures: [], longLivedTtlSec: 5_183_944, graphThrottle: null, requireAppSecretProof: false },
};

/** Validates a knob patch (admin API input); throws a ZodError on bad input. */
export function parseKnobPatch(input: unknown): z.output<typeof patchSchema> {
  return patchSchema.parse(input);
}

/** Returns new knobs with the patch applied; `all` applies first, then per-provider values. */
export function applyKnobPatch(knobs: Knobs, input: unknown): Knobs {
  const patch = parseKnobPatch(input);
  const next = structuredClone(knobs);
  for (const provider of SIMULATED_PROVIDERS) {
    // Cloned per provider: each consumes its own failure queue.
    Object.assign(next[provider], structuredClone(stripUndefined(patch.all ?? {})), structuredClone(stripUndefined(patch[provider] ?? {})));
    // With one TTL for everything (demos), Meta's long-lived tokens get it too.
    if (provider === 'meta' && patch.all?.accessTokenTtlSec !== undefined && patch.meta?.longLivedTtlSec === undefined) {
      next.meta.longLivedTtlSec = patch.all.accessTokenTtlSec;
    }
  }
  return next;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const intText = z.coerce.number().int().min(0);
const envSchema = z.object({
  SIMULATOR_ACCESS_TOKEN_TTL: intText.min(1).optional(),
  SIMULATOR_LATENCY_MS: intText.optional(),
  SIMULATOR_AMAZON_EXPIRES_IN_STRING: z.enum(['on', 'off']).optional(),
  SIMULATOR_LINKEDIN_REFRESH: z.enum(['on', 'off']).optional(),
});

/** Default knobs with SIMULATOR_* environment overrides; names the variable when one is malformed. */
export function knobsFromEnv(env: Record<string, string | undefined>): Knobs {
  const raw = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('SIMULATOR_') && v?.trim()));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Simulator environment: ${issue?.path.join('.') ?? 'SIMULATOR_*'} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  return applyKnobPatch(DEFAULT_KNOBS, {
    all: { accessTokenTtlSec: e.SIMULATOR_ACCESS_TOKEN_TTL, latencyMs: e.SIMULATOR_LATENCY_MS },
    'amazon-ads': { expiresInAsString: onOff(e.SIMULATOR_AMAZON_EXPIRES_IN_STRING) },
    linkedin: { programmaticRefresh: onOff(e.SIMULATOR_LINKEDIN_REFRESH) },
  });
}

function onOff(value: 'on' | 'off' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'on';
}

/** Takes the next injected failure for a provider's token endpoint, if any (one per call). */
export function takeInjectedFailure(knobs: Knobs, provider: SimulatedProvider): InjectedFailure | undefined {
  const queue = knobs[provider].failures;
  const head = queue[0];
  if (!head) return undefined;
  if (head.count <= 1) queue.shift();
  else queue[0] = { ...head, count: head.count - 1 };
  return head;
}
