import 'server-only';

/**
 * The commit this build runs, for /api/health and Sentry's release. Vercel and Railway each set
 * their own variable; GIT_COMMIT_SHA is for every other host. The first one set wins.
 */
export const COMMIT_SHA_VARIABLES = ['VERCEL_GIT_COMMIT_SHA', 'RAILWAY_GIT_COMMIT_SHA', 'GIT_COMMIT_SHA'] as const;

export function commitSha(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  for (const name of COMMIT_SHA_VARIABLES) {
    const value = env[name]?.trim();
    // Bounded: a SHA-256 object id is 64 hex characters; anything longer is not a commit.
    if (value) return value.slice(0, 64);
  }
  return null;
}
