import 'server-only';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric Grantkeeper exports, registered once per process. The registry lives on
 * globalThis: Next bundles route handlers, instrumentation and the scheduler separately, and each
 * copy of this module must count into the same registry the /api/metrics route reads.
 * Counters and histograms are per instance (Prometheus sums them across instances); the gauges
 * are read from the database at scrape time (lib/metrics/scrape.ts), so every instance reports
 * the same, shared truth.
 */

/** Seconds: a provider round trip is 50 ms to 15 s (the provider timeout). */
const CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
/** Seconds: a sweep takes milliseconds when nothing is due and up to its 45 s budget. */
const SWEEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60];

function createMetrics() {
  const registry = new Registry();
  const m = {
    registry,
    refreshAttempts: new Counter({
      name: 'grantkeeper_refresh_attempts_total',
      help: 'Refresh attempts by provider and outcome (refreshed, retrying, error, needs_reauth, rescheduled, deferred, skipped, lost_lease, crashed).',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    refreshDuration: new Histogram({
      name: 'grantkeeper_refresh_duration_seconds',
      help: 'Time to refresh one connection, provider call and database write included.',
      labelNames: ['provider'] as const,
      buckets: CALL_BUCKETS,
      registers: [registry],
    }),
    sweepDuration: new Histogram({
      name: 'grantkeeper_sweep_duration_seconds',
      help: 'Duration of refresh sweeps by trigger (cron, scheduler).',
      labelNames: ['trigger'] as const,
      buckets: SWEEP_BUCKETS,
      registers: [registry],
    }),
    sweepConnections: new Counter({
      name: 'grantkeeper_sweep_connections_total',
      help: 'Connections handled by sweeps: claimed, refreshed, failed, needs_reauth, released (out of time).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    tokenApiDuration: new Histogram({
      name: 'grantkeeper_token_api_duration_seconds',
      help: 'Token API (GET /api/v1/connections/{id}/access-token) latency by HTTP status.',
      labelNames: ['status'] as const,
      buckets: CALL_BUCKETS,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'grantkeeper_rate_limit_rejections_total',
      help: 'Requests refused by a rate limit, by policy.',
      labelNames: ['policy'] as const,
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'grantkeeper_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, retrying, failed).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    insightRuns: new Counter({
      name: 'grantkeeper_insight_sync_runs_total',
      help: 'Insight sync run steps by provider and outcome (succeeded, failed, waiting, retrying, deferred, paused, lost_lease, crashed).',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    dueBacklog: new Gauge({
      name: 'grantkeeper_refresh_due_connections',
      help: 'Active connections due for a refresh now (read from the database at scrape time).',
      registers: [registry],
    }),
    oldestDueSeconds: new Gauge({
      name: 'grantkeeper_refresh_oldest_due_seconds',
      help: 'How long the longest-waiting due connection has been due (0 when none).',
      registers: [registry],
    }),
    connections: new Gauge({
      name: 'grantkeeper_connections',
      help: 'Connections by provider and status (read from the database at scrape time).',
      labelNames: ['provider', 'status'] as const,
      registers: [registry],
    }),
    scrapeErrors: new Counter({
      name: 'grantkeeper_metrics_database_errors_total',
      help: 'Scrapes whose database gauges could not be read (the gauges keep their last values).',
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

const holder = globalThis as unknown as { grantkeeperMetrics?: Metrics };

export function getMetrics(): Metrics {
  holder.grantkeeperMetrics ??= createMetrics();
  return holder.grantkeeperMetrics;
}
