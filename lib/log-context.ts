import { AsyncLocalStorage } from 'node:async_hooks';
import type { RateLimitDecision } from './rate-limit/limiter';

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

/**
 * The last rate-limit quota a route request was counted against (lib/rate-limit/request-quota.ts).
 * It rides in the same store as the log fields, so a request enters one AsyncLocalStorage, not two,
 * but beside them, not among them: the log mixin only ever sees `fields`.
 */
export interface RequestQuota {
  decision: RateLimitDecision | null;
}

interface Store {
  fields: LogContext;
  quota?: RequestQuota;
}

const holder = globalThis as unknown as { grantkeeperLogContext?: AsyncLocalStorage<Store> };
const storage = (holder.grantkeeperLogContext ??= new AsyncLocalStorage<Store>());

/** The fields a log line carries here; never the quota. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore()?.fields;
}

/** The quota slot of the route request this runs in; undefined outside one (server actions, pages, tests). */
export function currentRequestQuota(): RequestQuota | undefined {
  return storage.getStore()?.quota;
}

/**
 * Runs fn with these fields added to the current context (a sweep inside a cron request keeps the
 * request id). `quota` is given only where a route request starts (handleRoute); a nested context
 * shares its request's slot, so a hit counted inside a sweep still reaches the request's answer.
 */
export function withLogContext<T>(fields: LogContext, fn: () => T, quota?: RequestQuota): T {
  const parent = storage.getStore();
  const merged = { ...parent?.fields };
  if (fields.requestId) merged.requestId = fields.requestId;
  if (fields.sweepId) merged.sweepId = fields.sweepId;
  return storage.run({ fields: merged, quota: quota ?? parent?.quota }, fn);
}
