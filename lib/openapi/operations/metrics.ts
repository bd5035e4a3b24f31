import 'server-only';
import { operation } from '../types';

export const metricsOperations = [
  operation({
    method: 'get',
    path: '/api/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description:
      'Prometheus text exposition: per-instance counters (refreshes, sweeps, token API latency, rate limits, webhooks, ' +
      'insight syncs) and gauges read from the database at scrape time. Without METRICS_TOKEN configured the route ' +
      'answers 404 like any unknown path.',
    auth: ['metricsToken'],
    responses: { 200: { description: 'The metrics.', contentType: 'text/plain; version=0.0.4' } },
    errors: ['unauthenticated', 'not_found'],
  }),
];
