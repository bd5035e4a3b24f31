import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DatabaseUnavailableError, type Database, type Sql } from './types';

/**
 * The embedded default: PGlite in the data directory. PGlite is single-process: a second process
 * opening the same directory corrupts it, so a lock file holding our pid guards it.
 */
export async function openPGlite(dataDir: string | null): Promise<Database> {
  let release = () => {};
  let dir: string | undefined;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
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

/** Takes `<dataDir>/pglite.lock`, or fails naming the process that holds it. */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      const release = () => {
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseUnavailableError(
          `The embedded database in ${dataDir} is already in use by process ${holder}. ` +
            'Only one Grantkeeper server may open it at a time: stop the other one, point ' +
            'GRANTKEEPER_DATA_DIR at another folder, or set DATABASE_URL to use PostgreSQL.',
        );
      }
      // A stale lock from a process that died without cleaning up.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`Could not take the lock ${lockPath}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
