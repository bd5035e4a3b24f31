import { z } from 'zod';
import type { DayRange } from './types';

/**
 * Where a run is in its window, stored as the run's `progress` jsonb: the chunks, which one is
 * next, and per chunk the Amazon report being waited for (so a restarted run polls the same report
 * instead of creating a duplicate) and how often a failed report was re-created.
 */

const Chunk = z.object({
  from: z.string(),
  to: z.string(),
  reportId: z.string().optional(),
  recreated: z.number().int().min(0).default(0),
  polls: z.number().int().min(0).default(0),
});
export type ProgressChunk = z.infer<typeof Chunk>;

const Progress = z.object({ chunks: z.array(Chunk), index: z.number().int().min(0) });
export type RunProgress = z.infer<typeof Progress>;

export function newProgress(chunks: DayRange[]): RunProgress {
  return { chunks: chunks.map((c) => ({ from: c.from, to: c.to, recreated: 0, polls: 0 })), index: 0 };
}

/** The stored progress, or undefined when it is unreadable (the run then fails instead of guessing). */
export function parseProgress(value: unknown): RunProgress | undefined {
  const parsed = Progress.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
