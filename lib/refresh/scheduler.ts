import 'server-only';
import { getDb } from '../db';
import { getEnv, type Env } from '../env';
import { getLogger } from '../log';
import { withLogContext } from '../log-context';
import { stopSignal } from '../shutdown';
import { leaseOwner } from './lease';
import { internalOrigin } from './provider-resolver';
import { runSweep } from './sweep';

/**
 * The in-process scheduler for `next start` / `next dev`: one sweep every interval, never two at
 * once in this process (other processes are kept apart by the row leases). Off on Vercel, where
 * Vercel Cron calls the route, and with SCHEDULER=off. A stop signal ends it at once: no new
 * sweep starts, and the running one stops claiming and hands back what it has not started.
 */
const holder = globalThis as unknown as { grantkeeperScheduler?: { timer: NodeJS.Timeout } };

export function schedulerEnabled(env: Pick<Env, 'scheduler'>): boolean {
  return env.scheduler === 'on' || (env.scheduler !== 'off' && !process.env.VERCEL);
}

export function startScheduler(): void {
  const env = getEnv();
  if (!schedulerEnabled(env) || holder.grantkeeperScheduler) return;
  const log = getLogger().child({ component: 'scheduler' });
  let running = false;
  const stop = stopSignal();
  const tick = async () => {
    if (running || stop.aborted) return;
    running = true;
    // The sweep id is chosen here, so the scheduler's own lines about this sweep carry it too.
    const owner = leaseOwner('sweep');
    await withLogContext({ sweepId: owner }, async () => {
      try {
        const summary = await runSweep(await getDb(), env, { trigger: 'scheduler', origin: internalOrigin(env), owner, signal: stop });
        if (summary.claimed > 0 || summary.errors.length > 0) {
          log.info({ sweep: { ...summary, errors: summary.errors.length } }, 'sweep finished');
        }
      } catch (err) {
        log.error({ err }, 'sweep failed');
      } finally {
        running = false;
      }
    });
  };
  const timer = setInterval(() => void tick(), env.refresh.schedulerIntervalSec * 1000);
  timer.unref();
  holder.grantkeeperScheduler = { timer };
  log.info({ intervalSec: env.refresh.schedulerIntervalSec }, 'in-process refresh scheduler started');
  // A first sweep right away, so a restart does not leave grants waiting a whole interval.
  const first = setTimeout(() => void tick(), 1000).unref();
  stop.addEventListener('abort', () => {
    clearInterval(timer);
    clearTimeout(first);
  }, { once: true });
}
