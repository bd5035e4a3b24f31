import type { Database } from '@/lib/db';
import type { Env } from '@/lib/env';
import { advanceInsights, type InsightSweepOptions, type InsightSweepSummary } from '@/lib/insights/sweep';

/** The origin the insight integration tests give the sweep (redirect URIs, the simulator's host). */
export const TEST_ORIGIN = 'http://grantkeeper.test';

/**
 * One insights sweep as the integration tests run it: TEST_ORIGIN, 20 s of budget and one inline
 * poll unless the test says otherwise; `owner` and `fetch` (the simulator's, or a wrapper) always given.
 */
export function sweepInsights(
  db: Database,
  env: Env,
  options: Pick<InsightSweepOptions, 'owner'> & Required<Pick<InsightSweepOptions, 'fetch'>> & Partial<InsightSweepOptions>,
): Promise<InsightSweepSummary> {
  return advanceInsights(db, env, { origin: TEST_ORIGIN, deadline: Date.now() + 20_000, pollWaitsMs: [0], ...options });
}
