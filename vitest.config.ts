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
