import 'server-only';
import { getMetrics } from './registry';

/**
 * The hot paths' side of the metrics: one label lookup and an addition each, never I/O, never a
 * throw (a metric must not break the refresh it counts).
 */

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A label or registry problem costs a data point, not a refresh.
  }
}

export function recordRefresh(provider: string, outcome: string, seconds: number): void {
  safely(() => {
    const m = getMetrics();
    m.refreshAttempts.inc({ provider, outcome });
    m.refreshDuration.observe({ provider }, seconds);
  });
}

export interface SweepCounts {
  trigger: string;
  durationMs: number;
  claimed: number;
  refreshed: number;
  failed: number;
  needsReauth: number;
  released: number;
}

export function recordSweep(s: SweepCounts): void {
  safely(() => {
    const m = getMetrics();
    m.sweepDuration.observe({ trigger: s.trigger }, s.durationMs / 1000);
    const results = { claimed: s.claimed, refreshed: s.refreshed, failed: s.failed, needs_reauth: s.needsReauth, released: s.released };
    for (const [result, n] of Object.entries(results)) if (n > 0) m.sweepConnections.inc({ result }, n);
  });
}

export function recordTokenApi(status: number, seconds: number): void {
  safely(() => getMetrics().tokenApiDuration.observe({ status: String(status) }, seconds));
}

export function recordRateLimited(policy: string): void {
  safely(() => getMetrics().rateLimited.inc({ policy }));
}

export function recordDelivery(outcome: 'delivered' | 'retrying' | 'failed'): void {
  safely(() => getMetrics().webhookDeliveries.inc({ outcome }));
}

export function recordInsightRun(provider: string, outcome: string): void {
  safely(() => getMetrics().insightRuns.inc({ provider, outcome }));
}

/** Wraps a route handler to observe its latency by status (a throw counts as the 500 it becomes). */
export function timedTokenApi<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args) => {
    const started = performance.now();
    let status = 500;
    try {
      const res = await handler(...args);
      status = res.status;
      return res;
    } finally {
      recordTokenApi(status, (performance.now() - started) / 1000);
    }
  };
}
