import path from 'node:path';
import { z } from 'zod';
import { parseRateSpec, RATE_SPEC_MESSAGE, resolveRateLimits, type RateLimitSettings } from './rate-limit/policies';

/**
 * The environment, parsed once with zod. Nothing is required for the embedded default; every
 * failure names the variable and how to fix it, and never echoes a secret value back.
 */

const KEYGEN = 'generate one with `npm run keys:generate`';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const onOff = z.enum(['on', 'off']).optional();
const rateSpec = optionalText.refine((v) => v === undefined || parseRateSpec(v) !== undefined, { message: RATE_SPEC_MESSAGE });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  VERCEL: optionalText,
  APP_URL: z
    .url({ protocol: /^https?$/, message: 'APP_URL must be an absolute http(s) URL such as https://grantkeeper.example.com' })
    .optional(),
  GRANTKEEPER_DATA_DIR: optionalText,
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message:
      'DATABASE_URL must be a postgres:// or postgresql:// URL (Supabase: Project Settings → Database → Connection pooling)',
  }),
  DB_MIGRATE: z.enum(['auto', 'on', 'off']).default('auto'),
  ENCRYPTION_KEYS: optionalText,
  AUTH_MODE: z.enum(['local', 'clerk']).optional(),
  CLERK_SECRET_KEY: optionalText,
  CLERK_PUBLISHABLE_KEY: optionalText,
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: optionalText,
  CLERK_JWT_KEY: optionalText,
  CLERK_WEBHOOK_SIGNING_SECRET: optionalText,
  /** Clerk's Backend API, where sign-out revokes the session (Clerk's own variable name). */
  CLERK_API_URL: z
    .url({ protocol: /^https?$/, message: 'CLERK_API_URL must be an absolute http(s) URL such as https://api.clerk.com' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** on: webhooks may go to loopback and private-network receivers (local development only). */
  WEBHOOK_ALLOW_PRIVATE: onOff,
  SIMULATOR: onOff,
  SCHEDULER: onOff,
  CRON_SECRET: optionalText,
  REFRESH_LEAD_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  EXPIRY_WARNING_DAYS: z.coerce.number().min(0).max(90).default(7),
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  SWEEP_BATCH_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20_000),
  SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(48),
  SWEEP_PROVIDER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(24),
  SWEEP_TIME_BUDGET_SECONDS: z.coerce.number().int().min(1).max(900).default(45),
  REFRESH_LEASE_SECONDS: z.coerce.number().int().min(3).max(600).default(30),
  PROVIDER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
  /** How long SIGTERM/SIGINT waits for refreshes in flight and the audit write (lib/shutdown.ts). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  AMAZON_ADS_CLIENT_ID: optionalText,
  AMAZON_ADS_CLIENT_SECRET: optionalText,
  LINKEDIN_CLIENT_ID: optionalText,
  LINKEDIN_CLIENT_SECRET: optionalText,
  /** on when LinkedIn approved the app for programmatic refresh tokens (MDP partners). */
  LINKEDIN_REFRESH_TOKENS: onOff,
  LINKEDIN_API_VERSION: z.string().regex(/^\d{6}$/, 'LINKEDIN_API_VERSION is YYYYMM, e.g. 202603').default('202603'),
  X_CLIENT_ID: optionalText,
  X_CLIENT_SECRET: optionalText,
  META_CLIENT_ID: optionalText,
  META_CLIENT_SECRET: optionalText,
  META_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/, 'META_GRAPH_VERSION looks like v25.0').default('v25.0'),
  /** on: every Graph call carries appsecret_proof (for apps with "Require App Secret") [M17]. */
  META_APP_SECRET_PROOF: onOff,
  /** Bearer secret for the simulator's admin API; without it the admin API is off in production. */
  SIMULATOR_ADMIN_SECRET: optionalText,
  /** Scale-out tests and bench: server-side calls to simulated providers go over HTTP to this loopback origin's simulator. */
  SIMULATOR_URL: z
    .url()
    .refine((u) => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(u), 'SIMULATOR_URL must be http://127.0.0.1:<port> (a loopback simulator)')
    .optional(),
  /** auto: prepared statements unless DATABASE_URL is a transaction pooler (port 6543 or pgbouncer=true). */
  DB_PREPARE: z.enum(['auto', 'on', 'off']).default('auto'),
  OIDC_ISSUER: z.url({ message: 'OIDC_ISSUER must be the issuer URL (its /.well-known/openid-configuration is read)' }).optional(),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_SCOPES: optionalText,
  OIDC_NAME: optionalText,
  // Rate limits (lib/rate-limit/policies.ts): RATE_LIMITS=off disables all; RATE_LIMIT_<NAME>=<count>/<window> overrides one.
  RATE_LIMITS: onOff,
  RATE_LIMIT_AUTH_FAILURES: rateSpec,
  RATE_LIMIT_TOKEN_API: rateSpec,
  RATE_LIMIT_AUTHORIZE: rateSpec,
  RATE_LIMIT_CALLBACK: rateSpec,
  RATE_LIMIT_CLERK_WEBHOOK: rateSpec,
  RATE_LIMIT_TEST_EVENT: rateSpec,
  RATE_LIMIT_API_KEY_CREATE: rateSpec,
  RATE_LIMIT_AUDIT_EXPORT: rateSpec,
  // Campaign insights (lib/insights): see .env.example.
  INSIGHTS: onOff,
  INSIGHTS_SYNC_INTERVAL_HOURS: z.coerce.number().min(1).max(168).default(24),
  INSIGHTS_BACKFILL_DAYS: z.coerce.number().int().min(1).max(1100).default(30),
  INSIGHTS_LOOKBACK_DAYS_META: z.coerce.number().int().min(0).max(28).default(28),
  INSIGHTS_LOOKBACK_DAYS_AMAZON: z.coerce.number().int().min(0).max(60).default(3),
  INSIGHTS_LOOKBACK_DAYS_LINKEDIN: z.coerce.number().int().min(0).max(365).default(7),
  INSIGHTS_LOOKBACK_DAYS_X: z.coerce.number().int().min(0).max(30).default(7),
  INSIGHTS_PROVIDER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  // Issue 9 engine remainder: inline report polls, Meta's async jobs, failure notifications.
  INSIGHTS_REPORT_POLL_WAITS_MS: z
    .string()
    .regex(/^\s*(\d{1,6}\s*(,\s*\d{1,6}\s*)*)?$/, 'a comma-separated list of milliseconds, e.g. 1000,2000,4000')
    .default('1000,2000,4000')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean).map(Number)),
  INSIGHTS_META_ASYNC_AFTER_DAYS: z.coerce.number().int().min(1).max(1100).default(31),
  // Network exposure (issue 8): who may reach the app, and which origin is its own.
  /** on: X-Forwarded-Host/-Proto come from a proxy the operator controls (Vercel). */
  TRUST_PROXY: onOff,
  /** on: local mode (no sign-in) answers requests whose Host is not a loopback name. */
  LOCAL_MODE_ALLOW_REMOTE: onOff,
  // Watching it (issue 11 §4): metrics and error tracking; both off when unset.
  /** Bearer token for GET /api/metrics; unset: the route answers 404. */
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'METRICS_TOKEN must be at least 16 characters (openssl rand -hex 32)',
  }),
  /** Sentry DSN (https://<public key>@<host>/<project id>); unset: Sentry is never loaded. */
  SENTRY_DSN: optionalText.refine((v) => v === undefined || isSentryDsn(v), {
    message: 'SENTRY_DSN must look like https://<public key>@<host>/<project id> (Sentry → Project settings → Client keys)',
  }),
  SENTRY_ENVIRONMENT: optionalText,
});

export type AuthMode = 'local' | 'clerk';

export interface Env {
  nodeEnv: 'development' | 'production' | 'test';
  appUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  migrate: 'auto' | 'on' | 'off';
  /** Unset means: the embedded default keeps a generated key in the data directory. */
  encryptionKeys: string | undefined;
  auth:
    | { mode: 'local' }
    | {
        mode: 'clerk';
        secretKey: string;
        publishableKey: string;
        jwtKey: string;
        webhookSecret: string | undefined;
        /** CLERK_API_URL without a trailing slash; default https://api.clerk.com. */
        apiUrl: string;
      };
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Where webhooks may go: private and loopback receivers only when WEBHOOK_ALLOW_PRIVATE=on. */
  webhooks: { allowPrivate: boolean };
  simulator: 'on' | 'off' | undefined;
  simulatorAdminSecret: string | undefined;
  /** SIMULATOR_URL: a shared simulator for several instances; unset, each serves its own in-process. */
  simulatorUrl: string | undefined;
  /** DB_PREPARE: auto (on unless a transaction pooler), on, off. */
  dbPrepare: 'auto' | 'on' | 'off';
  scheduler: 'on' | 'off' | undefined;
  cronSecret: string | undefined;
  providers: ProviderEnv;
  refresh: RefreshSettings;
  /** SHUTDOWN_GRACE_MS: the longest a graceful stop waits before it exits (lib/shutdown.ts). */
  shutdownGraceMs: number;
  /** Limits shared by all instances through Postgres; per-IP limits believe X-Forwarded-For only when trustProxy. */
  rateLimits: RateLimitSettings;
  insights: InsightSettings;
  /** Trust X-Forwarded-Host/-Proto (TRUST_PROXY; on by default on Vercel). */
  trustProxy: boolean;
  /** Local mode answers non-loopback Host names (LOCAL_MODE_ALLOW_REMOTE=on): logged and bannered. */
  localAllowRemote: boolean;
  /** Metrics (METRICS_TOKEN) and error tracking (SENTRY_DSN): both off when unset. */
  observability: { metricsToken: string | undefined; sentryDsn: string | undefined; sentryEnvironment: string | undefined };
}

/** A Sentry DSN: http(s), a public key as the user name, a numeric project id last. */
export function isSentryDsn(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.username !== '' && url.password === '' && /\/\d+$/.test(url.pathname);
  } catch {
    return false;
  }
}

/** How the campaign insights sync behaves (lib/insights); see .env.example. */
export interface InsightSettings {
  enabled: boolean;
  intervalSec: number;
  backfillDays: number;
  /** Days re-read on every run for restatements, per provider. */
  lookbackDays: { 'amazon-ads': number; linkedin: number; meta: number; x: number };
  /** Runs of one provider advanced at once, across this instance's sweep. */
  providerConcurrency: number;
  /** Waits between inline polls of an async report (Amazon, Meta jobs) before a later sweep takes over. */
  reportPollWaitsMs: number[];
  /** Meta runs with a longer window use async report runs instead of paged reads. */
  metaAsyncAfterDays: number;
}

/** How the keep-alive engine behaves; see .env.example. */
export interface RefreshSettings {
  /** Refresh when a token expires within this many seconds (invariant 5). */
  leadSec: number;
  /** Warn this long before a grant that cannot be refreshed ends. */
  warningSec: number;
  schedulerIntervalSec: number;
  /** At most this many connections per sweep. */
  batchLimit: number;
  concurrency: number;
  providerConcurrency: number;
  /** A sweep stops claiming after this, to finish inside a serverless function's maxDuration. */
  timeBudgetMs: number;
  /** A refresher's row lease; a heartbeat extends it while the refresh is in flight. */
  leaseSec: number;
  /** Per provider call; always shorter than the lease (checkKeepAlive). */
  providerTimeoutMs: number;
}

export interface ProviderCredentialsEnv {
  clientId: string;
  clientSecret: string;
}

/** Client credentials from the environment; a provider without them is simulated or "not configured". */
export interface ProviderEnv {
  'amazon-ads'?: ProviderCredentialsEnv;
  linkedin?: ProviderCredentialsEnv & { refreshTokens: boolean; apiVersion: string };
  x?: ProviderCredentialsEnv;
  meta?: ProviderCredentialsEnv & { graphVersion: string };
  oidc?: ProviderCredentialsEnv & { issuer: string; scopes: string[]; name: string };
  linkedinApiVersion: string;
  linkedinRefreshTokens: boolean;
  metaGraphVersion: string;
  metaAppSecretProof: boolean;
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Grantkeeper cannot start: the environment is misconfigured.\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'See .env.example for every variable and how to make a value.',
    );
    this.name = 'EnvError';
  }
}

/** Parses a raw environment; throws EnvError listing every problem at once. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = result.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';

  if (e.VERCEL && !e.DATABASE_URL) {
    problems.push(
      'DATABASE_URL is required on Vercel: a serverless host has no writable disk for the embedded database. ' +
        'Set it to your Supabase pooler connection string.',
    );
  }
  if (e.ENCRYPTION_KEYS) {
    problems.push(...checkEncryptionKeys(e.ENCRYPTION_KEYS));
  } else if (e.DATABASE_URL) {
    problems.push(
      `ENCRYPTION_KEYS is required when DATABASE_URL is set (tokens must stay readable from every instance): ${KEYGEN}.`,
    );
  }

  problems.push(...checkKeepAlive(e));
  if (production && !e.APP_URL) {
    problems.push(
      'APP_URL is required in production (NODE_ENV=production, what `next start` sets): set it to the public URL ' +
        'people and providers use, e.g. APP_URL=https://grantkeeper.example.com. OAuth redirect URLs and the ' +
        'same-origin check of every change are built from it, never from request headers.',
    );
  }
  // Vercel's edge sets the forwarding headers itself, so there they are trusted unless turned off.
  const trustProxy = e.TRUST_PROXY === 'on' || (e.TRUST_PROXY === undefined && Boolean(e.VERCEL));
  const auth = resolveAuth(e, production, problems);
  const providers = resolveProviders(e, problems);
  if (problems.length > 0) throw new EnvError(problems);

  return {
    nodeEnv: e.NODE_ENV,
    appUrl: e.APP_URL ? new URL(e.APP_URL).origin : undefined,
    dataDir: path.resolve(/*turbopackIgnore: true*/ e.GRANTKEEPER_DATA_DIR ?? '.data'),
    databaseUrl: e.DATABASE_URL,
    migrate: e.DB_MIGRATE,
    encryptionKeys: e.ENCRYPTION_KEYS,
    auth: auth ?? { mode: 'local' },
    logLevel: e.LOG_LEVEL,
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'on' },
    simulator: e.SIMULATOR,
    simulatorAdminSecret: e.SIMULATOR_ADMIN_SECRET,
    simulatorUrl: e.SIMULATOR_URL ? new URL(e.SIMULATOR_URL).origin : undefined,
    dbPrepare: e.DB_PREPARE,
    scheduler: e.SCHEDULER,
    cronSecret: e.CRON_SECRET,
    providers,
    refresh: {
      leadSec: e.REFRESH_LEAD_SECONDS,
      warningSec: Math.round(e.EXPIRY_WARNING_DAYS * 86_400),
      schedulerIntervalSec: e.SCHEDULER_INTERVAL_SECONDS,
      batchLimit: e.SWEEP_BATCH_LIMIT,
      concurrency: e.SWEEP_CONCURRENCY,
      providerConcurrency: e.SWEEP_PROVIDER_CONCURRENCY,
      timeBudgetMs: e.SWEEP_TIME_BUDGET_SECONDS * 1000,
      leaseSec: e.REFRESH_LEASE_SECONDS,
      providerTimeoutMs: e.PROVIDER_TIMEOUT_SECONDS * 1000,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    rateLimits: resolveRateLimits({ ...e, TRUST_PROXY: trustProxy ? 'on' : 'off' }),
    insights: {
      enabled: e.INSIGHTS !== 'off',
      intervalSec: Math.round(e.INSIGHTS_SYNC_INTERVAL_HOURS * 3600),
      backfillDays: e.INSIGHTS_BACKFILL_DAYS,
      lookbackDays: {
        'amazon-ads': e.INSIGHTS_LOOKBACK_DAYS_AMAZON,
        linkedin: e.INSIGHTS_LOOKBACK_DAYS_LINKEDIN,
        meta: e.INSIGHTS_LOOKBACK_DAYS_META,
        x: e.INSIGHTS_LOOKBACK_DAYS_X,
      },
      providerConcurrency: e.INSIGHTS_PROVIDER_CONCURRENCY,
      reportPollWaitsMs: e.INSIGHTS_REPORT_POLL_WAITS_MS,
      metaAsyncAfterDays: e.INSIGHTS_META_ASYNC_AFTER_DAYS,
    },
    trustProxy,
    localAllowRemote: e.LOCAL_MODE_ALLOW_REMOTE === 'on',
    observability: { metricsToken: e.METRICS_TOKEN, sentryDsn: e.SENTRY_DSN, sentryEnvironment: e.SENTRY_ENVIRONMENT },
  };
}

/** A provider needs both its client id and secret; one without the other is a mistake. */
function credentialsFor(e: Parsed, prefix: string, problems: string[]): ProviderCredentialsEnv | undefined {
  const raw = e as unknown as Record<string, string | undefined>;
  const clientId = raw[`${prefix}_CLIENT_ID`];
  const clientSecret = raw[`${prefix}_CLIENT_SECRET`];
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) {
    problems.push(
      `${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET go together: set both (from the provider's developer console) or neither.`,
    );
    return undefined;
  }
  return { clientId, clientSecret };
}

function resolveProviders(e: Parsed, problems: string[]): ProviderEnv {
  const linkedinRefreshTokens = e.LINKEDIN_REFRESH_TOKENS === 'on';
  const providers: ProviderEnv = {
    linkedinApiVersion: e.LINKEDIN_API_VERSION,
    linkedinRefreshTokens,
    metaGraphVersion: e.META_GRAPH_VERSION,
    metaAppSecretProof: e.META_APP_SECRET_PROOF === 'on',
  };
  const amazon = credentialsFor(e, 'AMAZON_ADS', problems);
  if (amazon) providers['amazon-ads'] = amazon;
  const linkedin = credentialsFor(e, 'LINKEDIN', problems);
  if (linkedin) providers.linkedin = { ...linkedin, refreshTokens: linkedinRefreshTokens, apiVersion: e.LINKEDIN_API_VERSION };
  const x = credentialsFor(e, 'X', problems);
  if (x) providers.x = x;
  const meta = credentialsFor(e, 'META', problems);
  if (meta) providers.meta = { ...meta, graphVersion: e.META_GRAPH_VERSION };
  const oidc = credentialsFor(e, 'OIDC', problems);
  if (oidc || e.OIDC_ISSUER) {
    if (!oidc || !e.OIDC_ISSUER) {
      problems.push('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together for the generic OpenID Connect provider.');
    } else {
      providers.oidc = {
        ...oidc,
        issuer: e.OIDC_ISSUER,
        scopes: (e.OIDC_SCOPES ?? 'openid offline_access').split(/[\s,]+/).filter(Boolean),
        name: e.OIDC_NAME ?? new URL(e.OIDC_ISSUER).hostname,
      };
    }
  }
  return providers;
}

/** Fernet keys are 32 bytes of url-safe base64; report the position, never the value. */
function checkEncryptionKeys(value: string): string[] {
  const keys = value.split(',').map((k) => k.trim());
  return keys.flatMap((key, i) => {
    const bytes = /^[A-Za-z0-9_-]{43}=?$/.test(key) ? Buffer.from(key, 'base64url') : undefined;
    return bytes?.length === 32
      ? []
      : [
          `ENCRYPTION_KEYS: key ${i + 1} of ${keys.length} is not a Fernet key (32 bytes, url-safe base64, 44 characters): ${KEYGEN}.`,
        ];
  });
}

type Parsed = z.infer<typeof schema>;

/**
 * Settings under which grants silently die are refused: no scheduler and no cron secret means
 * nothing ever refreshes; a provider call that can outlast the lease lets a second refresher spend
 * the same (rotating) refresh token. The lease is extended right before every provider call and
 * by a heartbeat every third of it, so it must outlast one call plus one missed heartbeat.
 */
function checkKeepAlive(e: Parsed): string[] {
  const problems: string[] = [];
  const inProcess = e.SCHEDULER === 'on' || (e.SCHEDULER !== 'off' && !e.VERCEL);
  if (!inProcess && !e.CRON_SECRET) {
    problems.push(
      `Nothing would ever refresh tokens: the in-process scheduler is off (${e.SCHEDULER === 'off' ? 'SCHEDULER=off' : 'on Vercel'}) ` +
        'and CRON_SECRET is unset, so the cron route refuses every call. Set CRON_SECRET (openssl rand -hex 32) for ' +
        '/api/cron/refresh-tokens, or set SCHEDULER=on.',
    );
  }
  const heartbeatSec = e.REFRESH_LEASE_SECONDS / 3;
  if (e.REFRESH_LEASE_SECONDS <= e.PROVIDER_TIMEOUT_SECONDS + heartbeatSec) {
    problems.push(
      `REFRESH_LEASE_SECONDS (${e.REFRESH_LEASE_SECONDS}) must exceed PROVIDER_TIMEOUT_SECONDS (${e.PROVIDER_TIMEOUT_SECONDS}) ` +
        `by more than a heartbeat (a third of the lease), or a slow provider call outlives its lease: ` +
        `raise REFRESH_LEASE_SECONDS to at least ${Math.floor(e.PROVIDER_TIMEOUT_SECONDS * 1.5) + 1}.`,
    );
  }
  return problems;
}

const DEFAULT_CLERK_API_URL = 'https://api.clerk.com';

function resolveAuth(e: Parsed, production: boolean, problems: string[]): Env['auth'] | undefined {
  const publishableKey = e.CLERK_PUBLISHABLE_KEY ?? e.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY;
  const anyClerk = Boolean(e.CLERK_SECRET_KEY || publishableKey || e.CLERK_JWT_KEY);
  const mode = e.AUTH_MODE ?? (anyClerk ? 'clerk' : 'local');

  if (mode === 'local') {
    if (production && e.AUTH_MODE !== 'local') {
      problems.push(
        'Sign-in is not configured for production: set CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY and CLERK_JWT_KEY ' +
          '(Clerk dashboard → API keys; the JWT key is the "PEM public key"), or set AUTH_MODE=local to run ' +
          'deliberately as a single operator without sign-in.',
      );
    }
    return { mode: 'local' };
  }

  const missing = [
    ['CLERK_SECRET_KEY', e.CLERK_SECRET_KEY],
    ['CLERK_PUBLISHABLE_KEY', publishableKey],
    ['CLERK_JWT_KEY', e.CLERK_JWT_KEY],
  ].filter(([, v]) => !v);
  for (const [name] of missing) {
    problems.push(`${name} is required for Clerk sign-in (Clerk dashboard → API keys), or unset all CLERK_* variables to use local sign-in.`);
  }
  if (publishableKey && !/^pk_(test|live)_[A-Za-z0-9+/=]+$/.test(publishableKey)) {
    problems.push('CLERK_PUBLISHABLE_KEY must look like pk_test_… or pk_live_… (Clerk dashboard → API keys).');
  }
  if (e.CLERK_JWT_KEY && !e.CLERK_JWT_KEY.includes('BEGIN PUBLIC KEY')) {
    problems.push('CLERK_JWT_KEY must be the PEM public key from Clerk dashboard → API keys → "Show JWT public key".');
  }
  if (missing.length > 0 || !e.CLERK_SECRET_KEY || !publishableKey || !e.CLERK_JWT_KEY) return undefined;
  return {
    mode: 'clerk',
    secretKey: e.CLERK_SECRET_KEY,
    publishableKey,
    jwtKey: e.CLERK_JWT_KEY.replace(/\\n/g, '\n'),
    webhookSecret: e.CLERK_WEBHOOK_SIGNING_SECRET,
    apiUrl: (e.CLERK_API_URL ?? DEFAULT_CLERK_API_URL).replace(/\/+$/, ''),
  };
}

let cached: Env | undefined;

/** The process environment, parsed on first use (never at import: `next build` imports modules). */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change the environment between cases. */
export function resetEnvForTests(): void {
  cached = undefined;
}
