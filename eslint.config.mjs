import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/**
 * Modules that touch the database, tokens, keys or signing secrets must start with
 * `import 'server-only'`, so a client component that imports one fails the build instead of
 * shipping server code (or a secret) to the browser.
 */
const requireServerOnly = {
  meta: {
    type: 'problem',
    messages: { missing: "Server-only module: add `import 'server-only';` (secrets and SQL must never reach a client bundle)." },
    schema: [],
  },
  create(context) {
    return {
      Program(program) {
        const present = program.body.some(
          (node) => node.type === 'ImportDeclaration' && node.source.value === 'server-only' && node.specifiers.length === 0,
        );
        if (!present) context.report({ node: program, loc: { line: 1, column: 0 }, messageId: 'missing' });
      },
    };
  },
};

const SERVER_ONLY_FILES = [
  'lib/db/**/*.ts',
  'lib/tokens/**/*.ts',
  'lib/refresh/**/*.ts',
  'lib/notifications/**/*.ts',
  'lib/oauth/**/*.ts',
  'lib/api-keys/**/*.ts',
  'lib/webhooks/**/*.ts',
  'lib/auth/**/*.ts',
];

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
    files: SERVER_ONLY_FILES,
    ignores: ['**/*.test.ts'],
    plugins: { grantkeeper: { rules: { 'require-server-only': requireServerOnly } } },
    rules: { 'grantkeeper/require-server-only': 'error' },
  },
  {
    files: ['lib/db/**', 'tests/**', 'scripts/**', 'bench/**', 'e2e/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  globalIgnores(['.next*/**', 'bench/results/**', 'node_modules/**', '.data/**', 'test-results/**', 'next-env.d.ts']),
]);
