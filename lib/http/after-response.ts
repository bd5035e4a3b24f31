import { after } from 'next/server';

/**
 * Runs `task` after the response is sent (Next's `after()`: `next start` waits for it on SIGTERM,
 * Vercel keeps the function alive for it). Outside a request scope — a route handler called
 * directly, as the integration tests do — `after()` throws; the task then simply starts now.
 */
export function afterResponse(task: () => Promise<unknown>): void {
  try {
    after(task);
  } catch {
    void task().catch(() => undefined);
  }
}
