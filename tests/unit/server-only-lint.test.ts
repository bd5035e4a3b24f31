import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RULE = 'grantkeeper/require-server-only';

/** Lints a source string as if it were the file at `relativePath`, with the project's own config. */
async function ruleMessages(relativePath: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, relativePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const WITHOUT = "import type { Sql } from './types';\n\nexport const answer = (sql: Sql) => sql.query('select 1');\n";
const WITH = `import 'server-only';\n${WITHOUT}`;

describe('the require-server-only lint rule', () => {
  it('reports a lib/db module without the import', async () => {
    expect(await ruleMessages('lib/db/lint-fixture.ts', WITHOUT)).toEqual([
      expect.stringContaining("import 'server-only'"),
    ]);
  }, 60_000);

  it('reports the other server-only folders too', async () => {
    for (const dir of ['lib/tokens', 'lib/refresh', 'lib/notifications', 'lib/oauth']) {
      expect(await ruleMessages(`${dir}/lint-fixture.ts`, WITHOUT)).toHaveLength(1);
    }
  }, 60_000);

  it('accepts the module once it imports server-only, and leaves tests and client-safe folders alone', async () => {
    expect(await ruleMessages('lib/db/lint-fixture.ts', WITH)).toEqual([]);
    expect(await ruleMessages('lib/db/lint-fixture.test.ts', WITHOUT)).toEqual([]);
    expect(await ruleMessages('components/dashboard/lint-fixture.ts', WITHOUT)).toEqual([]);
  }, 60_000);
});
