import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // SQL lives in lib/db only: nothing else may import the database drivers.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'postgres', message: 'Use lib/db: SQL lives there only.' },
            { name: '@electric-sql/pglite', message: 'Use lib/db: SQL lives there only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/db/**', 'tests/**', 'scripts/**', 'bench/**', 'e2e/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  globalIgnores(['.next*/**', 'bench/results/**', 'node_modules/**', '.data/**', 'test-results/**', 'next-env.d.ts']),
]);
