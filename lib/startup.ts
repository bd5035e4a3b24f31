import 'server-only';
import { getDb } from './db';
import { EnvError, getEnv, type Env } from './env';
import { getLogger } from './log';
import { recoverAtStart } from './refresh/recover';
import { startScheduler } from './refresh/scheduler';
import { flushTokenReadAuditOnStop } from './refresh/token-read-audit';
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
    flushTokenReadAuditOnStop();
    startScheduler();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.fatal({ err }, 'grantkeeper cannot start');
    // Also plainly on stderr: this is the line a person reads in their terminal.
    process.stderr.write(`\n${err instanceof EnvError ? message : `Grantkeeper cannot start: ${message}`}\n\n`);
    process.exit(1);
  }
}

export interface ActiveDefaults {
  embeddedDatabase: boolean;
  localSignIn: boolean;
  generatedKey: boolean;
}

export function describeDefaults(env: Env): ActiveDefaults {
  return {
    embeddedDatabase: !env.databaseUrl,
    localSignIn: env.auth.mode === 'local',
    generatedKey: !env.encryptionKeys,
  };
}
