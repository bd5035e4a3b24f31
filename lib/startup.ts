import 'server-only';
import { getDb } from './db';
import { EnvError, getEnv, type Env } from './env';
import { releaseThisProcessRuns } from './insights/sweep';
import { getLogger } from './log';
import { recoverAtStart } from './refresh/recover';
import { startScheduler } from './refresh/scheduler';
import { getTokenReadAudit } from './refresh/token-read-audit';
import { stopGracefullyOnSignal } from './shutdown';
import { getCipher } from './tokens/keys';

/**
 * Runs once when the server starts (instrumentation.ts): configuration, keys and database are
 * checked before the first request, and a problem stops the process with a message naming the fix.
 */
export async function startServer(): Promise<void> {
  const log = getLogger();
  try {
    const env = getEnv();
    getCipher();
    const db = await getDb();
    await recoverAtStart(db, env);
    log.info({ database: db.driver, ...describeDefaults(env) }, 'grantkeeper ready');
    // Before the scheduler: a stop signal must find the drain in place.
    stopGracefullyOnSignal({
      graceMs: env.shutdownGraceMs,
      flush: () => getTokenReadAudit().flush(),
      releaseInsightRuns: () => releaseThisProcessRuns(db),
    });
    warnIfExposed(env);
    startScheduler();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.fatal({ err }, 'grantkeeper cannot start');
    // Also plainly on stderr: this is the line a person reads in their terminal.
    process.stderr.write(`\n${err instanceof EnvError ? message : `Grantkeeper cannot start: ${message}`}\n\n`);
    process.exit(1);
  }
}

/** Local mode opened to the network on purpose: say so where nobody can miss it. */
function warnIfExposed(env: Env): void {
  if (env.auth.mode !== 'local' || !env.localAllowRemote) return;
  const warning =
    'LOCAL_MODE_ALLOW_REMOTE=on: local mode has NO sign-in and now answers any Host name. Anyone who can reach ' +
    'this port can create an API key and read every access token. Use Clerk sign-in for anything but a trusted network.';
  getLogger().warn({ localAllowRemote: true }, warning);
  process.stderr.write(`\n!!! ${warning}\n\n`);
}

export interface ActiveDefaults {
  embeddedDatabase: boolean;
  localSignIn: boolean;
  generatedKey: boolean;
  /** Local mode answers only localhost, 127.0.0.0/8 and [::1] (LOCAL_MODE_ALLOW_REMOTE unset). */
  loopbackOnly: boolean;
}

export function describeDefaults(env: Env): ActiveDefaults {
  return {
    embeddedDatabase: !env.databaseUrl,
    localSignIn: env.auth.mode === 'local',
    generatedKey: !env.encryptionKeys,
    loopbackOnly: env.auth.mode === 'local' && !env.localAllowRemote,
  };
}
