/**
 * `npm run import:prototype -- --from <postgres url> [--dry-run] [--mapping file.json]` — brings the
 * Python prototype's users, Amazon accounts, tokens and audit history into Grantkeeper
 * (docs/import.md). `--print-mapping` prints the default mapping to start a mapping file from.
 * Exit codes: 0 done (or the dry run would succeed), 1 refused, 2 usage.
 * With the embedded database, stop the server first (it holds the database open).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../lib/db';
import { describeUrl, openPostgres } from '../lib/db/postgres-driver';
import { getEnv } from '../lib/env';
import { buildMapping, defaultMappingFile, MappingError } from '../lib/import/mapping';
import { formatImportReport } from '../lib/import/report';
import { importPrototype } from '../lib/import/run';
import { createImportCipher } from '../lib/tokens/import-cipher';
import { loadKeyList } from '../lib/tokens/keys';

const USAGE = 'usage: npm run import:prototype -- --from postgres://user:password@host:5432/db [--dry-run] [--mapping file.json] | --print-mapping';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      mapping: { type: 'string' },
      'print-mapping': { type: 'boolean', default: false },
    },
  });
  if (values['print-mapping']) {
    process.stdout.write(`${JSON.stringify(defaultMappingFile(), null, 2)}\n`);
    return 0;
  }
  if (!values.from || !/^postgres(ql)?:\/\//.test(values.from)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const mapping = buildMapping(values.mapping ? JSON.parse(fs.readFileSync(values.mapping, 'utf8')) : {});
  const env = getEnv();
  const cipher = createImportCipher(loadKeyList(env));
  const source = await openPostgres(values.from, { max: 1 }).catch((err: unknown) => {
    // openPostgres speaks of DATABASE_URL; this is the other database. Its cause is a code, never the password.
    const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
    throw new Error(`cannot reach the prototype database at ${describeUrl(values.from!)}${typeof cause === 'string' ? ` (${cause})` : ''}`);
  });
  try {
    const target = await openDatabase(env);
    try {
      const report = await importPrototype(target, source, { mapping, cipher, dryRun: values['dry-run'] });
      process.stdout.write(`${formatImportReport(report, describeUrl(values.from))}\n`);
      return report.outcome === 'refused' ? 1 : 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const usage = err instanceof MappingError || err instanceof SyntaxError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`import:prototype failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
