import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

const KEY = Buffer.alloc(32, 7).toString('base64url') + '=';
const PEM = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----';
const CLERK = {
  CLERK_SECRET_KEY: 'sk_test_abc',
  CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k',
  CLERK_JWT_KEY: PEM,
};

function problemsOf(raw: Record<string, string>): string {
  try {
    parseEnv(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error('expected parseEnv to throw');
}

describe('parseEnv', () => {
  it('needs nothing for the embedded default', () => {
    const env = parseEnv({});
    expect(env.databaseUrl).toBeUndefined();
    expect(env.auth).toEqual({ mode: 'local' });
    expect(env.encryptionKeys).toBeUndefined();
    expect(env.dataDir).toMatch(/\.data$/);
  });

  it('rejects malformed ENCRYPTION_KEYS by position, naming the command, never echoing the value', () => {
    const message = problemsOf({ ENCRYPTION_KEYS: `${KEY},not-a-real-key-material` });
    expect(message).toContain('ENCRYPTION_KEYS: key 2 of 2 is not a Fernet key');
    expect(message).toContain('npm run keys:generate');
    expect(message).not.toContain('not-a-real-key-material');
    expect(message).not.toContain(KEY);
  });

  it('accepts a list of valid keys', () => {
    expect(parseEnv({ ENCRYPTION_KEYS: ` ${KEY} , ${KEY}` }).encryptionKeys).toBeDefined();
  });

  it('requires ENCRYPTION_KEYS with DATABASE_URL', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u:p@db.example.com:6543/postgres' })).toMatch(
      /ENCRYPTION_KEYS is required when DATABASE_URL is set.*keys:generate/,
    );
  });

  it('metrics and error tracking are off unless set; a short METRICS_TOKEN or a malformed SENTRY_DSN is refused without echoing it', () => {
    expect(parseEnv({}).observability).toEqual({ metricsToken: undefined, sentryDsn: undefined, sentryEnvironment: undefined });
    const on = parseEnv({ METRICS_TOKEN: 'm'.repeat(32), SENTRY_DSN: 'https://pubkey@o1.ingest.sentry.io/42' });
    expect(on.observability).toMatchObject({ metricsToken: 'm'.repeat(32), sentryDsn: 'https://pubkey@o1.ingest.sentry.io/42' });
    const message = problemsOf({ METRICS_TOKEN: 'short-secret', SENTRY_DSN: 'https://o1.ingest.sentry.io/not-a-project' });
    expect(message).toContain('METRICS_TOKEN must be at least 16 characters');
    expect(message).toContain('SENTRY_DSN must look like');
    expect(message).not.toContain('short-secret');
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x', ENCRYPTION_KEYS: KEY })).toContain('DATABASE_URL must be a postgres://');
  });

  it('refuses production without sign-in, naming Clerk and AUTH_MODE=local', () => {
    const message = problemsOf({ NODE_ENV: 'production' });
    expect(message).toContain('CLERK_SECRET_KEY');
    expect(message).toContain('AUTH_MODE=local');
    expect(parseEnv({ NODE_ENV: 'production', AUTH_MODE: 'local', APP_URL: 'https://gk.example.com' }).auth.mode).toBe('local');
  });

  it('requires APP_URL in production, naming the variable and an example (item 3)', () => {
    const message = problemsOf({ NODE_ENV: 'production', AUTH_MODE: 'local' });
    expect(message).toContain('APP_URL is required in production');
    expect(message).toContain('APP_URL=https://');
    expect(parseEnv({ NODE_ENV: 'production', AUTH_MODE: 'local', APP_URL: 'https://gk.example.com/some/path' }).appUrl).toBe(
      'https://gk.example.com',
    );
    expect(problemsOf({ APP_URL: 'ftp://gk.example.com' })).toContain('APP_URL must be an absolute http(s) URL');
  });

  it('trusts forwarded headers only when told to; on by default on Vercel', () => {
    expect(parseEnv({}).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: 'on' }).trustProxy).toBe(true);
    const vercel = { VERCEL: '1', AUTH_MODE: 'local', DATABASE_URL: 'postgres://u:p@db.example.com/x', ENCRYPTION_KEYS: KEY, CRON_SECRET: 'c' };
    expect(parseEnv(vercel).trustProxy).toBe(true);
    expect(parseEnv({ ...vercel, TRUST_PROXY: 'off' }).trustProxy).toBe(false);
  });

  it('keeps local mode on loopback unless LOCAL_MODE_ALLOW_REMOTE=on', () => {
    expect(parseEnv({}).localAllowRemote).toBe(false);
    expect(parseEnv({ LOCAL_MODE_ALLOW_REMOTE: 'on' }).localAllowRemote).toBe(true);
    expect(problemsOf({ LOCAL_MODE_ALLOW_REMOTE: 'yes' })).toContain('LOCAL_MODE_ALLOW_REMOTE');
  });

  it('refuses Vercel without DATABASE_URL', () => {
    expect(problemsOf({ VERCEL: '1', AUTH_MODE: 'local' })).toContain('DATABASE_URL is required on Vercel');
  });

  it('switches to Clerk when its keys are set, and names what is missing when some are not', () => {
    const env = parseEnv({ ...CLERK, CLERK_JWT_KEY: PEM.replace(/\n/g, '\\n') });
    expect(env.auth).toMatchObject({ mode: 'clerk', publishableKey: CLERK.CLERK_PUBLISHABLE_KEY, jwtKey: PEM });
    const message = problemsOf({ CLERK_SECRET_KEY: 'sk_test_abc' });
    expect(message).toContain('CLERK_PUBLISHABLE_KEY is required');
    expect(message).toContain('CLERK_JWT_KEY is required');
    expect(message).not.toContain('sk_test_abc');
  });

  it("CLERK_API_URL: Clerk's Backend API for sign-out, https://api.clerk.com unless set, http(s) only", () => {
    expect(parseEnv(CLERK).auth).toMatchObject({ apiUrl: 'https://api.clerk.com' });
    expect(parseEnv({ ...CLERK, CLERK_API_URL: 'http://127.0.0.1:4010/' }).auth).toMatchObject({ apiUrl: 'http://127.0.0.1:4010' });
    expect(problemsOf({ ...CLERK, CLERK_API_URL: 'ftp://api.clerk.com' })).toContain('CLERK_API_URL must be an absolute http(s) URL');
  });

  it('rejects a JWT key that is not a PEM public key', () => {
    expect(problemsOf({ ...CLERK, CLERK_JWT_KEY: 'abc' })).toContain('CLERK_JWT_KEY must be the PEM public key');
  });

  it('lists every problem at once', () => {
    const message = problemsOf({ NODE_ENV: 'production', VERCEL: '1', ENCRYPTION_KEYS: 'x', CRON_SECRET: 'c' });
    // Vercel without a database, a bad key, no APP_URL, no sign-in.
    expect(message.split('\n  - ').length - 1).toBe(4);
  });

  it('refuses a configuration in which nothing ever refreshes, naming the fix', () => {
    const configs: Record<string, string>[] = [{ SCHEDULER: 'off' }, { VERCEL: '1', DATABASE_URL: 'postgres://db.example.com/x', ENCRYPTION_KEYS: KEY }];
    for (const raw of configs) {
      const message = problemsOf(raw);
      expect(message).toContain('Nothing would ever refresh tokens');
      expect(message).toContain('Set CRON_SECRET');
    }
    expect(parseEnv({ SCHEDULER: 'off', CRON_SECRET: 'c' }).cronSecret).toBe('c');
    expect(parseEnv({ VERCEL: '1', SCHEDULER: 'on', DATABASE_URL: 'postgres://db.example.com/x', ENCRYPTION_KEYS: KEY })).toBeDefined();
  });

  it('refuses a lease that a provider call can outlive (lease > provider timeout + heartbeat)', () => {
    expect(problemsOf({ REFRESH_LEASE_SECONDS: '20', PROVIDER_TIMEOUT_SECONDS: '15' })).toContain(
      'REFRESH_LEASE_SECONDS (20) must exceed PROVIDER_TIMEOUT_SECONDS (15)',
    );
    expect(parseEnv({}).refresh).toMatchObject({ leaseSec: 30, providerTimeoutMs: 15_000 });
    expect(parseEnv({ REFRESH_LEASE_SECONDS: '23', PROVIDER_TIMEOUT_SECONDS: '15' }).refresh.leaseSec).toBe(23);
  });

  it('insights: report poll waits are a list of milliseconds (empty: no inline polls); Meta async threshold and concurrency defaults', () => {
    expect(parseEnv({}).insights).toMatchObject({ reportPollWaitsMs: [1000, 2000, 4000], metaAsyncAfterDays: 31, providerConcurrency: 8 });
    expect(parseEnv({ INSIGHTS_REPORT_POLL_WAITS_MS: ' 250, 500 ' }).insights.reportPollWaitsMs).toEqual([250, 500]);
    expect(parseEnv({ INSIGHTS_REPORT_POLL_WAITS_MS: '' }).insights.reportPollWaitsMs).toEqual([]);
    expect(parseEnv({ INSIGHTS_META_ASYNC_AFTER_DAYS: '90' }).insights.metaAsyncAfterDays).toBe(90);
    expect(problemsOf({ INSIGHTS_REPORT_POLL_WAITS_MS: '1s,2s' })).toMatch(/INSIGHTS_REPORT_POLL_WAITS_MS/);
  });

  it('an empty or blank variable counts as unset; GRANTKEEPER_DATA_DIR moves the data directory', () => {
    const env = parseEnv({ DATABASE_URL: '   ', GRANTKEEPER_DATA_DIR: '/var/lib/grantkeeper' });
    expect(env.databaseUrl).toBeUndefined();
    expect(env.dataDir).toBe('/var/lib/grantkeeper');
  });

  it('a rate limit override is <count>/<window>; anything else is refused naming the variable', () => {
    expect(() => parseEnv({ RATE_LIMIT_TOKEN_API: '10/5m' })).not.toThrow();
    expect(problemsOf({ RATE_LIMIT_TOKEN_API: 'lots' })).toContain('RATE_LIMIT_TOKEN_API: a rate limit is <count>/<window>');
  });

  it('a provider’s client id without its secret is refused, naming both variables, never the value', () => {
    const message = problemsOf({ X_CLIENT_ID: 'x-client-id-value' });
    expect(message).toContain('X_CLIENT_ID and X_CLIENT_SECRET go together');
    expect(message).not.toContain('x-client-id-value');
  });

  it('OIDC needs issuer, client id and secret together; its name defaults to the issuer host', () => {
    expect(problemsOf({ OIDC_ISSUER: 'https://id.example.com' })).toContain('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together');
    expect(problemsOf({ OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' })).toContain('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together');
    const env = parseEnv({ OIDC_ISSUER: 'https://id.example.com/realms/ads', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' });
    expect(env.providers.oidc).toMatchObject({ name: 'id.example.com', scopes: ['openid', 'offline_access'] });
  });

  it('a Clerk publishable key that is not pk_test_/pk_live_ is refused', () => {
    expect(problemsOf({ ...CLERK, CLERK_PUBLISHABLE_KEY: 'sk_live_oops' })).toContain('CLERK_PUBLISHABLE_KEY must look like pk_test_… or pk_live_…');
  });
});
