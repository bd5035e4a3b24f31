import 'server-only';
import type { Database } from '../db';
import { countConnectionsByStatus, countDueConnections } from '../db/metrics';
import { getLogger } from '../log';
import { getMetrics } from './registry';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The Prometheus text exposition: this instance's counters plus the database gauges read now.
 * An unreachable database still yields the counters (and a counted scrape error), so a scrape
 * shows that the instance is alive while its database is not.
 */
export async function renderMetrics(db: Database | (() => Promise<Database>)): Promise<string> {
  const m = getMetrics();
  try {
    const sql = typeof db === 'function' ? await db() : db;
    const [byStatus, backlog] = await Promise.all([countConnectionsByStatus(sql), countDueConnections(sql)]);
    // Reset first: a provider/status pair that has no rows any more must drop to absent, not stay stale.
    m.connections.reset();
    for (const row of byStatus) m.connections.set({ provider: row.provider, status: row.status }, row.count);
    m.dueBacklog.set(backlog.due);
    m.oldestDueSeconds.set(backlog.oldestDueSec);
  } catch (err) {
    m.scrapeErrors.inc();
    getLogger().warn({ err }, 'metrics: database gauges unavailable');
  }
  return m.registry.metrics();
}
