import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '@/lib/log';

/**
 * For tests of what lib code logs through the process logger (getLogger()): swaps it for one that
 * writes into an array, each JSON line parsed (and its text on `.raw`).
 * restoreProcessLogger() puts back the one there was when this module loaded.
 */

export type CapturedLines = Record<string, unknown>[] & { raw: string[] };

const holder = globalThis as unknown as { grantkeeperLogger?: Logger };
const original = holder.grantkeeperLogger;

export function captureLines(level = 'info'): CapturedLines {
  const lines: CapturedLines = Object.assign([], { raw: [] as string[] });
  holder.grantkeeperLogger = createLogger(
    new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) {
          lines.raw.push(l);
          lines.push(JSON.parse(l) as Record<string, unknown>);
        }
        done();
      },
    }),
    level,
  );
  return lines;
}

export function restoreProcessLogger(): void {
  holder.grantkeeperLogger = original;
}
