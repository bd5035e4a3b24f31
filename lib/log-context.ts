import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line inside a request or a sweep carries without being passed down: the request
 * id (entered in handle-route.ts) and the sweep id (entered in refresh/sweep.ts). lib code logs
 * through getLogger() and still says which request or sweep it served. One store per process,
 * kept on globalThis because Next bundles route handlers and instrumentation separately.
 */
export interface LogContext {
  requestId?: string;
  sweepId?: string;
}

const holder = globalThis as unknown as { grantkeeperLogContext?: AsyncLocalStorage<LogContext> };
const storage = (holder.grantkeeperLogContext ??= new AsyncLocalStorage<LogContext>());

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs fn with these fields added to the current context (a sweep inside a cron request keeps the request id). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const merged = { ...storage.getStore() };
  if (fields.requestId) merged.requestId = fields.requestId;
  if (fields.sweepId) merged.sweepId = fields.sweepId;
  return storage.run(merged, fn);
}
