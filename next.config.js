/**
 * `next dev` prints every request line with its query string. OAuth callbacks carry the
 * authorization code and state, and simulator URLs carry what a provider would see (codes,
 * states, redirect URIs; tokens and secrets from any client that puts them in a query): none of
 * those lines are printed, nor any URL with a credential-bearing parameter, wherever it points.
 * e2e/dev-log-secrets.spec.ts proves the log stays clean.
 */
const UNLOGGED_REQUESTS = [
  /\/api\/v1\/oauth\/[^/?]+\/callback(?:[/?]|$)/,
  /\/api\/simulator\//,
  /[?&](?:code|state|access_token|refresh_token|id_token|token|client_secret|fb_exchange_token|appsecret_proof|code_verifier)=/i,
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  logging: { incomingRequests: { ignore: UNLOGGED_REQUESTS } },
  // PGlite ships WASM and data files that must be loaded from node_modules at run time,
  // and pino/postgres are Node-only: keep all three out of the bundle. prom-client and Sentry's
  // Node SDK (loaded only when SENTRY_DSN is set) are Node-only too.
  serverExternalPackages: ['@electric-sql/pglite', 'pino', 'postgres', 'prom-client', '@sentry/nextjs'],
  // Lets tests build into a separate folder so a developer's `next dev` is not disturbed.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // Inlined into client code: `next dev` compiles the browser's Sentry SDK only when a DSN is set
  // (components/error-tracking.tsx); production builds always hold it as a lazy chunk.
  env: { GRANTKEEPER_SENTRY_DEV: process.env.SENTRY_DSN ? 'on' : 'off' },
  // NEXT_OUTPUT=standalone (the Dockerfile and `npm test`'s build set it) adds a self-contained
  // server in <distDir>/standalone/ beside the usual build. It is read when the config is loaded,
  // so `next start`, which loads it again without the variable, serves the same build without
  // Next's warning that `next start` does not run standalone builds.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // Migrations are read at run time by lib/db/migrate.ts.
  outputFileTracingIncludes: { '/**': ['./supabase/migrations/*.sql'] },
};

export default nextConfig;
