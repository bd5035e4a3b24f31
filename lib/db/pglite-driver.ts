import 'server-only';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { getLogger } from '../log';
import { lockDataDir } from './data-dir-lock';
import { narrowToOwner, restrictDataDir } from './data-dir-permissions';
import { DatabaseUnavailableError, type Database, type Sql } from './types';

/**
 * The embedded default: PGlite in the data directory. PGlite is single-process: a second process
 * opening the same directory corrupts it, so a lock file naming this process guards it
 * (data-dir-lock.ts). The directory is the owner's alone (data-dir-permissions.ts).
 */
export async function openPGlite(dataDir: string | null): Promise<Database> {
  let release = () => {};
  let dir: string | undefined;
  if (dataDir) {
    const widened = restrictDataDir(dataDir);
    if (widened.length > 0) {
      getLogger().warn(
        { path: dataDir, fixed: widened.length, examples: widened.slice(0, 3) },
        `the data directory ${dataDir} had entries other users could read or write; restricted them to the owner (0700 directories, 0600 files)`,
      );
    }
    release = lockDataDir(dataDir);
    dir = path.join(dataDir, 'pglite');
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (cause) {
    release();
    throw new DatabaseUnavailableError(
      `Cannot open the embedded database in ${dataDir}: ${(cause as Error)?.message ?? cause}. ` +
        'If it is damaged, move the folder away (your tokens cannot be recovered without it) or set DATABASE_URL.',
      { cause },
    );
  }
  // PGlite itself chmods a new cluster's files to 0666 and the relcache files it writes at every
  // open to 0644, whatever the umask: narrow them again, silently, since they are its own.
  if (dataDir) narrowToOwner(dataDir);

  const asSql = (conn: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await conn.query<T>(text, params as unknown[])).rows;
    },
    async exec(script: string) {
      await conn.exec(script);
    },
  });

  return {
    driver: 'pglite',
    ...asSql(db),
    transaction: (fn) => db.transaction((tx) => fn(asSql(tx))),
    close: async () => {
      await db.close();
      release();
    },
  };
}
