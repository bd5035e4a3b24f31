import pino, { type Logger } from 'pino';
import { currentLogContext } from './log-context';
import { PATH_KEYS, SECRET_KEYS, scrubPath, scrubSecrets } from './scrub-secrets';

export { scrubSecrets } from './scrub-secrets';

/**
 * Structured JSON logs. Anything that looks like a credential is redacted by key wherever it
 * sits in a logged object, so a careless `log.info({ response })` still leaks nothing.
 */

/** pino's redact paths: the key at the top level and up to three levels deep. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(destination?: pino.DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'grantkeeper' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Paths and URLs by field name, whoever logs them: a key pasted into a path is a segment there.
      serializers: { err: serializeError, ...PATH_SERIALIZERS },
      // The request and sweep a line belongs to, from wherever in lib it is logged (lib/log-context.ts).
      mixin: () => ({ ...currentLogContext() }),
    },
    destination,
  );
}

const PATH_SERIALIZERS = Object.fromEntries(PATH_KEYS.map((k) => [k, (v: unknown) => (typeof v === 'string' ? scrubPath(v) : v)]));

/** Errors keep their name, code and message, with URL credentials and bearer values scrubbed. */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubSecrets(String(err)) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: scrubSecrets(err.message),
    // Not `code`: that key is redacted everywhere (OAuth authorization codes).
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    stack: err.stack ? scrubSecrets(err.stack) : undefined,
  };
}

const globalLog = globalThis as unknown as { grantkeeperLogger?: Logger };

/** The process logger. */
export function getLogger(): Logger {
  globalLog.grantkeeperLogger ??= createLogger();
  return globalLog.grantkeeperLogger;
}

/**
 * A logger whose every line carries the request id. Inside handleRoute the context already adds
 * it (a second copy would repeat the key in the JSON line); elsewhere a child binds it.
 */
export function requestLogger(requestId: string | null | undefined): Logger {
  return requestId && requestId !== currentLogContext()?.requestId ? getLogger().child({ requestId }) : getLogger();
}
