import fs from 'node:fs';

/** Linux /proc readers: which process of a group serves a port, its memory, its CPU time. */

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on every Linux this runs on

interface Stat {
  pid: number;
  comm: string;
  ppid: number;
  pgrp: number;
  /** user + system CPU seconds */
  cpuSec: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: the fields after it start after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return {
    pid,
    comm,
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    cpuSec: (Number(rest[11]) + Number(rest[12])) / CLK_TCK,
  };
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** Every live process in a process group. */
export function groupProcesses(pgid: number): Stat[] {
  return allPids()
    .map(readStat)
    .filter((s): s is Stat => s !== undefined && s.pgrp === pgid);
}

/** Sum of CPU seconds of processes whose command name is `comm` (e.g. every `postgres` backend). */
export function cpuSecondsOf(comm: string): number {
  return allPids()
    .map(readStat)
    .filter((s): s is Stat => s !== undefined && s.comm === comm)
    .reduce((sum, s) => sum + s.cpuSec, 0);
}

export function cpuSeconds(pid: number): number {
  return readStat(pid)?.cpuSec ?? 0;
}

/** Socket inodes listening on a TCP port (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1] ("0100007F:1F90"), st is cols[3] (0A = LISTEN), inode cols[9].
      if (cols.length > 9 && cols[1]!.endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/**
 * The process of group `pgid` that holds the listening socket on `port`: the actual HTTP server,
 * whether `next start` serves in-process or forks a worker.
 */
export function listeningPid(pgid: number, port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const proc of groupProcesses(pgid)) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${proc.pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = fs.readlinkSync(`/proc/${proc.pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) return proc.pid;
    }
  }
  return undefined;
}

export interface Memory {
  /** Resident set now, MiB. */
  rssMiB: number;
  /** Peak resident set ("high water mark") since start or the last resetPeak, MiB. */
  hwmMiB: number;
}

export function memory(pid: number): Memory {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, `echo 5 > clear_refs`); false when not permitted. */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system, every thread) of every live process in a group. */
export function groupCpuSeconds(pgid: number): number {
  return groupProcesses(pgid).reduce((sum, s) => sum + s.cpuSec, 0);
}
