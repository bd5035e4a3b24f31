import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseUnavailableError } from './types';

/**
 * The embedded database's lock: `<dataDir>/pglite.lock` names the process that holds it. Node has
 * no flock, and a pid alone is not an identity: after a crash (or a reboot, or in a container
 * that restarts) the same pid may belong to an unrelated live process, which must not block
 * start-up. So the lock also records the holder's start time (field 22 of /proc/<pid>/stat, in
 * clock ticks since boot) and the kernel's boot id; the lock is held only while a live process
 * with that pid has that start time in that boot. Where /proc does not exist (macOS), a live pid
 * is taken to be the holder.
 */

export const LOCK_FILE = 'pglite.lock';

interface LockOwner {
  pid: number;
  startTime: string | null;
  bootId: string | null;
}

/** Takes the lock, or fails naming the process that holds it. Returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid), bootId: bootId() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, mine, { flag: 'wx', mode: 0o600 });
      const release = () => {
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === mine) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readOwner(lockPath);
      if (holder && isHeld(holder)) {
        throw new DatabaseUnavailableError(
          `The embedded database in ${dataDir} is already in use by process ${holder.pid}. ` +
            'Only one Grantkeeper server may open it at a time: stop the other one, point ' +
            'GRANTKEEPER_DATA_DIR at another folder, or set DATABASE_URL to use PostgreSQL.',
        );
      }
      // Stale: its process died, or the pid now belongs to another process.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`Could not take the lock ${lockPath}.`);
}

function readOwner(lockPath: string): LockOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8').trim();
  } catch {
    return null;
  }
  // Versions before the start time was recorded wrote the bare pid.
  if (/^\d+$/.test(text)) return { pid: Number(text), startTime: null, bootId: null };
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isSafeInteger(parsed.pid) || (parsed.pid ?? 0) <= 0) return null;
    return { pid: parsed.pid!, startTime: parsed.startTime ?? null, bootId: parsed.bootId ?? null };
  } catch {
    return null;
  }
}

function isHeld(owner: LockOwner): boolean {
  if (owner.pid === process.pid || !isAlive(owner.pid)) return false;
  const startTime = processStartTime(owner.pid);
  // No /proc here: a live pid is all we can check.
  if (startTime === null) return true;
  if (owner.startTime === null) return looksLikeNode(owner.pid);
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return false;
  return owner.startTime === startTime;
}

/** Field 22 of /proc/<pid>/stat; the name in field 2 may hold spaces or ')', so count from the last ')'. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** For a lock in the old bare-pid format: only a Node.js process can be a Grantkeeper server. */
function looksLikeNode(pid: number): boolean {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return /node|next/i.test(path.basename(argv0));
  } catch {
    return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
