'use client';

import { Activity, CircleAlert } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import type { Health } from '@/lib/health';
import { useNow } from './clock';
import { AttentionList } from './attention-list';
import { RelativeTime } from './time';
import { useHealth } from './use-status';
import { HealthSkeleton } from './skeletons';

type Scheduler = NonNullable<Health['scheduler']>;

const TRIGGERS: Record<string, string> = {
  scheduler: 'the in-process scheduler',
  cron: 'Vercel Cron',
  manual: 'a manual run',
  test: 'a test',
};

/**
 * Whether the keep-alive engine is doing its job: the last sweep, the next one, and the
 * connections that need a person. Polls /api/health alongside the connections.
 */
export function HealthPanel() {
  const { data: health, error } = useHealth();
  return (
    <section aria-labelledby="health-heading" className="flex flex-col gap-3" data-testid="health-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="health-heading" className="flex items-center gap-2 text-lg font-semibold">
          <Activity className="size-5 text-primary" aria-hidden="true" />
          Keeping grants alive
        </h2>
        {health && <OverallBadge health={health} />}
      </div>
      {error && (
        <p className="text-xs text-destructive" role="status">
          Could not check health just now ({error.message}).
        </p>
      )}
      {!health ? (
        <HealthSkeleton />
      ) : (
        <div className="grid gap-4 rounded-xl border bg-card p-4 shadow-sm md:grid-cols-3">
          <SweepFacts health={health} />
          <div className="flex min-w-0 flex-col gap-1" data-testid="attention">
            <h3 className="text-sm font-medium text-muted-foreground">Needs attention</h3>
            <AttentionList />
          </div>
        </div>
      )}
    </section>
  );
}

function OverallBadge({ health }: { health: Health }) {
  if (health.status === 'ok') return <Badge variant="success">Running</Badge>;
  if (health.status === 'degraded') return <Badge variant="warning">Degraded</Badge>;
  return <Badge variant="destructive">Down</Badge>;
}

function SweepFacts({ health }: { health: Health }) {
  if (!health.scheduler) {
    return (
      <div className="flex flex-col gap-1 md:col-span-2" data-testid="last-sweep">
        <h3 className="text-sm font-medium text-muted-foreground">Last sweep</h3>
        <p className="flex items-center gap-2 text-destructive">
          <CircleAlert className="size-4" aria-hidden="true" />
          The database is unavailable{health.database.error ? ` (${health.database.error})` : ''}: no refresh can run.
        </p>
      </div>
    );
  }
  const s = health.scheduler;
  return (
    <>
      <div className="flex min-w-0 flex-col gap-1" data-testid="last-sweep">
        <h3 className="text-sm font-medium text-muted-foreground">Last sweep</h3>
        {s.lastSweep ? (
          <>
            <p className="text-base font-semibold" data-finished-at={s.lastSweep.finishedAt}>
              <RelativeTime iso={s.lastSweep.finishedAt} />
            </p>
            <p className="text-sm text-muted-foreground">
              By {TRIGGERS[s.lastSweep.trigger] ?? s.lastSweep.trigger}, in {s.lastSweep.durationMs} ms: {s.lastSweep.claimed}{' '}
              due, {s.lastSweep.refreshed} refreshed, {s.lastSweep.failed} failed, {s.lastSweep.needsReauth} need reconnecting.
            </p>
            {s.lastSweep.errors > 0 && (
              <p className="text-sm break-words text-destructive" data-testid="last-sweep-error">
                {s.lastSweep.errors} error{s.lastSweep.errors === 1 ? '' : 's'}
                {/* The text only reaches the operator: it may name other users' connections (lib/health.ts). */}
                {s.lastSweep.lastError ? `; last: ${s.lastSweep.lastError}` : '; the operator has the details.'}
              </p>
            )}
          </>
        ) : (
          <p className="text-sm">
            No sweep has finished yet.{' '}
            {s.mode === 'in-process'
              ? 'The first one runs a second after the server starts.'
              : 'Vercel Cron starts them once the app is deployed with CRON_SECRET set.'}
          </p>
        )}
        {s.stale && (
          <p className="text-sm text-destructive" data-testid="sweep-stale">
            No sweep has finished for over 5 minutes:{' '}
            {s.mode === 'in-process' ? 'check the server log.' : 'check that Vercel Cron calls /api/cron/refresh-tokens with CRON_SECRET.'}
          </p>
        )}
      </div>
      <div className="flex min-w-0 flex-col gap-1" data-testid="next-sweep">
        <h3 className="text-sm font-medium text-muted-foreground">Next sweep</h3>
        <NextSweep scheduler={s} />
      </div>
    </>
  );
}

function NextSweep({ scheduler: s }: { scheduler: Scheduler }) {
  const now = useNow();
  if (s.mode === 'external') {
    return (
      <>
        <p className="text-base font-semibold">Vercel Cron, every minute</p>
        <p className="text-sm text-muted-foreground">It calls /api/cron/refresh-tokens; this server does not sweep by itself.</p>
      </>
    );
  }
  const every = s.intervalSec === 1 ? 'every second' : `every ${s.intervalSec} seconds`;
  // The scheduler ticks at a fixed interval from the start of the previous sweep.
  const next = s.lastSweep ? Date.parse(s.lastSweep.finishedAt) - s.lastSweep.durationMs + s.intervalSec * 1000 : null;
  return (
    <>
      <p className="text-base font-semibold">
        {next === null || next <= now ? 'due now' : <RelativeTime iso={new Date(next).toISOString()} />}
      </p>
      <p className="text-sm text-muted-foreground">In-process scheduler, {every}.</p>
    </>
  );
}
