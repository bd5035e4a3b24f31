import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The data directory holds the encryption key and the whole database: only its owner may read
 * or write it. Sets the umask so files this process creates from now on are 0600 and directories
 * 0700, creates the directory, and narrows whatever is already there (969 of 1,028 PGlite files
 * used to be 0666). Returns the paths that were wider, so the caller can warn.
 */
export function restrictDataDir(dataDir: string): string[] {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads may not change the umask; narrowToOwner still fixes what exists.
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return narrowToOwner(dataDir);
}

/**
 * Removes every group and other permission bit under `root`, recursively (the data directory is
 * Grantkeeper's own; symlinks are not followed). Needed beyond the umask because PGlite's file
 * system layer chmods the files of a new cluster to 0666 itself.
 */
export function narrowToOwner(root: string): string[] {
  const widened: string[] = [];
  const visit = (entry: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(entry);
    } catch (err) {
      // Removed meanwhile (a server already running on this directory deletes its temp files).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) {
      fs.chmodSync(entry, stat.isDirectory() ? 0o700 : stat.mode & 0o700);
      widened.push(entry);
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(root);
  return widened;
}
