/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time,
  // and pino/postgres are Node-only: keep all three out of the bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'pino', 'postgres'],
  // Lets tests build into a separate folder so a developer's `next dev` is not disturbed.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // Migrations are read at run time by lib/db/migrate.ts.
  outputFileTracingIncludes: { '/**': ['./supabase/migrations/*.sql'] },
};

export default nextConfig;
