import fs from 'node:fs';
import path from 'node:path';

/**
 * package.json's "start" script, `[NAME=value …] node [--flag[=value] …] <script> [args …]`, taken
 * apart: the bench (bench/server.ts) runs the server with the same environment and V8 flags a user
 * gets from `npm start`, and e2e/standalone.spec.ts checks the Dockerfile's CMD uses them too. One
 * parser for both, so they cannot read the script differently. It throws rather than guess: a
 * script it cannot take apart would otherwise measure or check a different server than npm starts.
 */

export interface StartScript {
  /** The leading `NAME=value` assignments (e.g. MALLOC_ARENA_MAX, read by glibc before node starts). */
  env: Record<string, string>;
  /** node's own flags, in order (`--name` or `--name=value`; a flag's value must be joined with `=`). */
  nodeFlags: string[];
  /** The script node runs, as written. */
  script: string;
  /** What follows the script (for Next: `start`). */
  args: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
/** Quoting, expansion, redirection or chaining: a shell would read these differently from a split on spaces. */
const SHELL_SYNTAX = /['"`$\\;&|<>()]/;
const SHAPE = '`[NAME=value …] node [--flag[=value] …] <script> [args …]`';

export function parseStartScript(command: string): StartScript {
  const fail = (why: string): never => {
    throw new Error(`package.json "start" must be ${SHAPE} (${why}): ${command}`);
  };
  const words = command.trim().split(/\s+/).filter(Boolean);
  const odd = words.find((w) => SHELL_SYNTAX.test(w));
  if (odd !== undefined) fail(`no shell syntax such as ${JSON.stringify(odd)}`);
  const env: Record<string, string> = {};
  let i = 0;
  for (let m: RegExpExecArray | null; i < words.length && (m = ASSIGNMENT.exec(words[i]!)); i++) env[m[1]!] = m[2]!;
  if (words[i] !== 'node') fail(words[i] === undefined ? 'no node command' : `${JSON.stringify(words[i])} where node was expected`);
  i++;
  const nodeFlags: string[] = [];
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    if (!words[i]!.startsWith('--')) fail(`only long flags, ${JSON.stringify(words[i])} is not one`);
    nodeFlags.push(words[i]!);
  }
  const script = words[i] ?? fail('no script after node and its flags');
  return { env, nodeFlags, script, args: words.slice(i + 1) };
}

/** The "start" script of the package.json in `root`. */
export function readStartScript(root: string): StartScript {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: { start?: unknown } };
  const start = pkg.scripts?.start;
  if (typeof start !== 'string') throw new Error(`${path.join(root, 'package.json')} has no "start" script`);
  return parseStartScript(start);
}
