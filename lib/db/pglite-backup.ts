import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { narrowToOwner } from './data-dir-permissions';

/**
 * Backups of the embedded database: PGlite's own data-directory dump (a gzipped tar of the
 * cluster), taken and loaded under the data directory's lock, so a running server (which holds
 * it) makes both fail with its name instead of copying or overwriting a live cluster.
 */

const CLUSTER_DIR = 'pglite';

export async function dumpPGliteDataDir(dataDir: string): Promise<Buffer> {
  if (!fs.existsSync(path.join(dataDir, CLUSTER_DIR))) throw new Error(`there is no embedded database in ${dataDir}`);
  const release = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(path.join(dataDir, CLUSTER_DIR));
    try {
      return Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
    } finally {
      await db.close();
    }
  } finally {
    narrowToOwner(dataDir);
    release();
  }
}

/** Loads a dump into a data directory that has no database yet; never over an existing one. */
export async function loadPGliteDataDir(dataDir: string, dump: Buffer): Promise<void> {
  const cluster = path.join(dataDir, CLUSTER_DIR);
  if (fs.existsSync(cluster) && fs.readdirSync(cluster).length > 0) {
    throw new Error(`${dataDir} already holds a database: restore into an empty data directory (move this one away first)`);
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(cluster, { loadDataDir: new Blob([new Uint8Array(dump)]) });
    await db.query('select 1');
    await db.close();
  } finally {
    narrowToOwner(dataDir);
    release();
  }
}
