import 'server-only';
import { commitSha } from './commit-sha';
import { getDb } from './db';
import { migrationStatus } from './db/migrate';
import { latestSweepRun } from './db/sweep-runs';
import { getEnv } from './env';
import { schedulerEnabled } from './refresh/scheduler';
import pkg from '../package.json';

/** Without a completed sweep for this long, whoever is meant to run them, health is degraded. */
const SWEEP_STALE_MS = 5 * 60 * 1000;

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  commit: string | null;
  database: { status: 'up' | 'down'; driver?: string; migrations?: { applied: number; pending: string[] }; error?: string };
  scheduler?: {
    mode: 'in-process' | 'external';
    intervalSec: number;
    lastSweep: {
      finishedAt: string;
      trigger: string;
      durationMs: number;
      claimed: number;
      refreshed: number;
      failed: number;
      needsReauth: number;
      errors: number;
      lastError: string | null;
    } | null;
    stale: boolean;
  };
}

/** What /api/health reports: no secrets, only whether things work. */
export async function checkHealth(now = Date.now()): Promise<Health> {
  const base = { version: pkg.version, commit: commitSha() };
  try {
    const env = getEnv();
    const db = await getDb();
    await db.query('select 1');
    const [migrations, last] = await Promise.all([migrationStatus(db), latestSweepRun(db)]);
    const inProcess = schedulerEnabled(env);
    const stale = sweepsStalled({ uptimeMs: process.uptime() * 1000, lastFinishedAt: last?.finished_at, now });
    return {
      ...base,
      status: migrations.pending.length === 0 && !stale ? 'ok' : 'degraded',
      database: { status: 'up', driver: db.driver, migrations },
      scheduler: {
        mode: inProcess ? 'in-process' : 'external',
        intervalSec: env.refresh.schedulerIntervalSec,
        lastSweep: last
          ? {
              finishedAt: last.finished_at.toISOString(),
              trigger: last.trigger,
              durationMs: last.duration_ms,
              claimed: last.claimed,
              refreshed: last.refreshed,
              failed: last.failed,
              needsReauth: last.needs_reauth,
              errors: last.errors.length,
              lastError: last.errors[0] ?? null,
            }
          : null,
        stale,
      },
    };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      ...base,
      status: 'down',
      database: { status: 'down', error: typeof code === 'string' ? code : 'database_unavailable' },
    };
  }
}

/**
 * Degraded when no sweep has completed for five minutes, in any mode: an external cron that never
 * calls is as fatal to grants as a stopped scheduler. Except right after start, before the first
 * one had the chance to.
 */
export function sweepsStalled(input: { uptimeMs: number; lastFinishedAt?: Date; now: number }): boolean {
  if (input.uptimeMs <= SWEEP_STALE_MS) return false;
  return !input.lastFinishedAt || input.now - input.lastFinishedAt.getTime() > SWEEP_STALE_MS;
}

/**
 * Who may read the last sweep's error text. A sweep covers every user's connections, and its
 * errors name them (`x:<connection id>: <provider text>`, `kept results: …`), so the text is the
 * operator's alone:
 * - local mode: the one signed-in user is the operator and owns every connection;
 * - any mode: a caller with `Authorization: Bearer $METRICS_TOKEN` (the operator's monitoring);
 * - a Clerk user is not the operator: they get what the public gets (status, counts, how many
 *   errors), and the dashboard says the operator has the details. Picking out "their" errors from
 *   free text would be a guess, and one wrong guess hands another user's connection to them.
 */
export type HealthViewer = 'operator' | 'user' | 'public';

/** The health report as this viewer may see it (see HealthViewer). */
export function healthFor(health: Health, viewer: HealthViewer): Health {
  return viewer === 'operator' ? health : publicHealth(health);
}

/**
 * What anyone who is not signed in may see: whether things work, and counts. Never a connection
 * id, an error message (they name connections and echo provider text) or migration names.
 */
export function publicHealth(health: Health): Health {
  const { database, scheduler } = health;
  return {
    ...health,
    database: {
      status: database.status,
      ...(database.driver ? { driver: database.driver } : {}),
      ...(database.migrations ? { migrations: { applied: database.migrations.applied, pending: database.migrations.pending.map(() => 'pending') } } : {}),
      ...(database.error ? { error: 'database_unavailable' } : {}),
    },
    ...(scheduler
      ? { scheduler: { ...scheduler, lastSweep: scheduler.lastSweep ? { ...scheduler.lastSweep, lastError: null } : null } }
      : {}),
  };
}
