import 'server-only';
import { scrubSecrets } from './log';

/**
 * Next prints unhandled errors itself (`console.error(err)`), whole: every enumerable property,
 * causes included, unredacted. Nothing configures that away, so console.error and console.warn
 * are wrapped once at start-up (instrumentation.ts): an Error is printed as its name, scrubbed
 * message, code, digest and stack frames — never its other properties (PGlite puts a query's
 * bound parameters there) — and strings are scrubbed of the usual secret shapes.
 */

const INSTALLED = Symbol.for('grantkeeper.consoleRedaction');

type ConsoleLike = Pick<Console, 'error' | 'warn'> & { [INSTALLED]?: true };

export function redactConsole(target: ConsoleLike = console): void {
  if (target[INSTALLED]) return;
  target[INSTALLED] = true;
  for (const level of ['error', 'warn'] as const) {
    const print = target[level].bind(target);
    target[level] = (...args: unknown[]) => print(...args.map(redactConsoleArg));
  }
}

export function redactConsoleArg(arg: unknown): unknown {
  if (arg instanceof Error) return describeError(arg, 0);
  if (typeof arg === 'string') return scrubSecrets(arg);
  return arg;
}

function describeError(err: Error, depth: number): string {
  const { code, digest } = err as { code?: unknown; digest?: unknown };
  const tags = [typeof code === 'string' ? `code ${code}` : '', typeof digest === 'string' ? `digest ${digest}` : ''].filter(Boolean);
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  const cause = err.cause instanceof Error && depth < 3 ? `\n  [cause] ${describeError(err.cause, depth + 1)}` : '';
  const text = `${err.name}: ${err.message}${tags.length ? ` [${tags.join(', ')}]` : ''}${frames ? `\n${frames}` : ''}${cause}`;
  return scrubSecrets(text);
}
