import type { Env } from './env';

/** Which embedded defaults are active, and what switches each one to production. */
export interface ActiveDefault {
  id: 'database' | 'sign-in' | 'simulator' | 'key';
  title: string;
  /** Its name in the banner's one-line summary. */
  short: string;
  now: string;
  toProduction: string;
}

export function simulatorEnabled(env: Pick<Env, 'simulator' | 'nodeEnv'>): boolean {
  return env.simulator === 'on' || (env.simulator !== 'off' && env.nodeEnv !== 'production');
}

export function activeDefaults(env: Env): ActiveDefault[] {
  const list: ActiveDefault[] = [];
  if (!env.databaseUrl) {
    list.push({
      id: 'database',
      title: 'Embedded database',
      short: 'embedded database',
      now: env.auth.mode === 'local' ? `PGlite in ${env.dataDir}` : 'PGlite, on this server’s disk',
      toProduction: 'Set DATABASE_URL to your Supabase pooler connection string.',
    });
  }
  if (env.auth.mode === 'local') {
    list.push({
      id: 'sign-in',
      title: 'Local sign-in',
      short: 'local sign-in',
      now: 'Single operator, no password',
      toProduction: 'Set CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY and CLERK_JWT_KEY from the Clerk dashboard.',
    });
  }
  if (simulatorEnabled(env)) {
    list.push({
      id: 'simulator',
      title: 'Provider simulator',
      short: 'simulator',
      now: 'Providers without client credentials are simulated',
      toProduction: 'Set each provider’s client id and secret, and SIMULATOR=off.',
    });
  }
  if (!env.encryptionKeys) {
    list.push({
      id: 'key',
      title: 'Generated encryption key',
      short: 'generated key',
      now: `Kept in ${env.dataDir}/encryption.key`,
      toProduction: 'Set ENCRYPTION_KEYS (npm run keys:generate).',
    });
  }
  return list;
}

/** Local mode deliberately opened to the network (LOCAL_MODE_ALLOW_REMOTE=on): the dashboard says so loudly. */
export function exposureWarning(env: Pick<Env, 'auth' | 'localAllowRemote'>): string | null {
  if (env.auth.mode !== 'local' || !env.localAllowRemote) return null;
  return (
    'LOCAL_MODE_ALLOW_REMOTE=on: this Grantkeeper has no sign-in and answers requests from any host name. ' +
    'Anyone who can reach it can create an API key and read every access token. Configure Clerk sign-in, ' +
    'or unset LOCAL_MODE_ALLOW_REMOTE to answer only on this machine.'
  );
}
