import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside React's server build; in tests every module is server code.
      { find: 'server-only', replacement: path.join(root, 'tests/support/server-only.ts') },
    ],
  },
  test: {
    include: ['lib/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['node_modules', 'e2e/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // `vitest run --coverage` (npm test): V8 coverage of lib/ and app/, report in coverage/.
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.{ts,tsx}', 'app/**/*.{ts,tsx}'],
      exclude: ['**/*.test.ts', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      // lib/ is measured by these tests alone (app/ is mostly covered by the Playwright suite, which
      // V8 coverage here does not see). The run fails when lib/ drops below the seeds' 90 %
      // (measured 2026-12-03: lines 97.9 %, branches 92.0 %).
      thresholds: {
        'lib/**': { lines: 90, branches: 90 },
      },
    },
    env: {
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      // A key for tests only, so nothing writes a generated key into the working tree.
      ENCRYPTION_KEYS: 'dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMDAwMDA=',
      SIMULATOR: 'on',
      // Off for suites that call routes in loops; tests/integration/rate-limits.test.ts turns them on.
      RATE_LIMITS: 'off',
    },
  },
});
