import { z } from 'zod';
import { SIMULATED_PROVIDERS, type SimulatedProvider } from './credentials';
import type { Restatement } from './reporting-data';
import type { SimulatorState } from './state';

/**
 * What the reporting endpoints remember, beside the OAuth state: their knobs and Amazon's reports.
 * Kept per SimulatorState in a WeakMap, so the OAuth modules stay untouched.
 */

const perProvider = <T extends z.ZodType>(item: T) => z.object(Object.fromEntries(SIMULATED_PROVIDERS.map((p) => [p, item])) as Record<SimulatedProvider, T>).partial();

/** Meta's insights endpoints by the name their calls are counted under: the paged read and the report run's create, poll and rows. */
export const META_USAGE_ENDPOINTS = ['insights', 'report_run_create', 'report_run_poll', 'report_run_insights'] as const;
export type MetaUsageEndpoint = (typeof META_USAGE_ENDPOINTS)[number];

const knobSchema = z
  .object({
    /** Added to every reporting call. */
    latencyMs: z.number().int().min(0),
    /** Polls an Amazon report answers PENDING/PROCESSING before COMPLETED. */
    amazonPollsUntilComplete: z.number().int().min(0),
    /** The next N Amazon reports end in FAILURE. */
    amazonFailReports: z.number().int().min(0),
    /** The next `count` reporting calls of a provider answer 429, with Retry-After when given. */
    rateLimit: perProvider(z.object({ count: z.number().int().min(0), retryAfterSec: z.number().int().min(0).nullable() })),
    /** The next N reporting calls of a provider answer 401 (a token that died mid-sync). */
    unauthorized: perProvider(z.number().int().min(0)),
    /** Bump to restate recent figures (see reporting-data.ts). */
    restatementGeneration: z.number().int().min(0),
    restateDays: z.number().int().min(1),
    /** Meta: usage percentage sent in the usage headers (null: no headers). */
    metaUsagePct: z.number().min(0).max(100).nullable(),
    /** Meta: which insights endpoints send those headers (Graph sends them on every call [M5]; narrow it to test one step). */
    metaUsageOn: z.array(z.enum(META_USAGE_ENDPOINTS)),
    /** LinkedIn's limit of fields per adAnalytics request. */
    linkedinFieldLimit: z.number().int().min(1),
    /** Meta: rows per insights page (its `limit` is capped by this). */
    metaPageSize: z.number().int().min(1),
    /** Meta: polls an async report run answers "Job Running" before "Job Completed". */
    metaPollsUntilComplete: z.number().int().min(0),
    /** Meta: the next N async report runs end in "Job Failed". */
    metaFailReportRuns: z.number().int().min(0),
  })
  .strict();
export type ReportingKnobs = z.infer<typeof knobSchema>;

export const DEFAULT_REPORTING_KNOBS: ReportingKnobs = {
  latencyMs: 0,
  amazonPollsUntilComplete: 2,
  amazonFailReports: 0,
  rateLimit: {},
  unauthorized: {},
  restatementGeneration: 0,
  restateDays: 3,
  metaUsagePct: null,
  metaUsageOn: [...META_USAGE_ENDPOINTS],
  linkedinFieldLimit: 20,
  metaPageSize: 25,
  metaPollsUntilComplete: 2,
  metaFailReportRuns: 0,
};

export interface SimReport {
  reportId: string;
  profileId: string;
  clientId: string;
  startDate: string;
  endDate: string;
  /** Same profile + same request while unfinished → 425. */
  requestKey: string;
  polls: number;
  failing: boolean;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILURE';
}

/** A Meta async insights job (`POST /act_<id>/insights`): the parameters it was created with, and its polls. */
export interface SimMetaReportRun {
  id: string;
  accountId: string;
  /** Validated at creation, so reading the rows cannot fail on them. */
  params: { since: string; until: string; fields: string[] };
  currency: string;
  clientId: string;
  polls: number;
  failing: boolean;
}

export interface ReportingState {
  knobs: ReportingKnobs;
  reports: Map<string, SimReport>;
  metaRuns: Map<string, SimMetaReportRun>;
  /** Counts per provider and endpoint kind, e.g. amazon-ads → create: 3. */
  calls: Record<string, Record<string, number>>;
}

/**
 * On globalThis, like the state itself (process-state.ts): Next bundles each route, the server
 * actions and the instrumentation (the sweep) separately, and a module-level map per bundle let
 * the admin route's knobs and the sweep's Amazon reports go unseen by the other bundles.
 */
const STATES_KEY = Symbol.for('grantkeeper.simulator.reporting-states');
const states: WeakMap<SimulatorState, ReportingState> = ((globalThis as { [STATES_KEY]?: WeakMap<SimulatorState, ReportingState> })[STATES_KEY] ??=
  new WeakMap());

export function reportingOf(state: SimulatorState): ReportingState {
  let r = states.get(state);
  if (!r) {
    r = { knobs: structuredClone(DEFAULT_REPORTING_KNOBS), reports: new Map(), metaRuns: new Map(), calls: {} };
    states.set(state, r);
  }
  return r;
}

export function resetReporting(state: SimulatorState): void {
  states.delete(state);
}

export function patchReportingKnobs(state: SimulatorState, input: unknown): ReportingKnobs {
  const patch = knobSchema.partial().parse(input);
  const r = reportingOf(state);
  r.knobs = {
    ...r.knobs,
    ...patch,
    rateLimit: { ...r.knobs.rateLimit, ...patch.rateLimit },
    unauthorized: { ...r.knobs.unauthorized, ...patch.unauthorized },
  };
  return r.knobs;
}

export function countCall(state: SimulatorState, provider: SimulatedProvider, kind: string): void {
  const byKind = (reportingOf(state).calls[provider] ??= {});
  byKind[kind] = (byKind[kind] ?? 0) + 1;
}

export function restatementOf(state: SimulatorState): Restatement {
  const { knobs } = reportingOf(state);
  return { generation: knobs.restatementGeneration, restateDays: knobs.restateDays, today: new Date(state.now()).toISOString().slice(0, 10) };
}

export type InjectedReportingFailure = { kind: 'rate_limited'; retryAfterSec: number | null } | { kind: 'unauthorized' };

/** Consumes one injected 429 or 401 for a provider's reporting call, if any are queued. */
export function takeReportingFailure(state: SimulatorState, provider: SimulatedProvider): InjectedReportingFailure | undefined {
  const { knobs } = reportingOf(state);
  const limit = knobs.rateLimit[provider];
  if (limit && limit.count > 0) {
    knobs.rateLimit[provider] = { ...limit, count: limit.count - 1 };
    return { kind: 'rate_limited', retryAfterSec: limit.retryAfterSec };
  }
  const unauthorized = knobs.unauthorized[provider] ?? 0;
  if (unauthorized > 0) {
    knobs.unauthorized[provider] = unauthorized - 1;
    return { kind: 'unauthorized' };
  }
  return undefined;
}
