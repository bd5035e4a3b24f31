import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Anything that looks like a credential is redacted by key wherever it
 * sits in a logged object, so a careless `log.info({ response })` still leaks nothing.
 */

const SECRET_KEYS = [
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'token',
  'code',
  'code_verifier',
  'codeVerifier',
  'client_secret',
  'clientSecret',
  'secret',
  'secretKey',
  'apiKey',
  'api_key',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'encryptionKeys',
  'ENCRYPTION_KEYS',
  'CRON_SECRET',
  'CLERK_SECRET_KEY',
  'DATABASE_URL',
  'databaseUrl',
  'jwtKey',
];

/** pino's redact paths: the key at the top level and up to three levels deep. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(destination?: pino.DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'grantkeeper' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

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

/** Query parameters that carry a credential in OAuth and Graph URLs. */
const SECRET_PARAMS = /([?&](?:code|state|access_token|refresh_token|id_token|token|client_secret|fb_exchange_token|appsecret_proof|code_verifier)=)[^&#\s"'<>]+/gi;

/** Removes the usual shapes of a secret from free text (URL passwords, credential parameters, bearer values, our keys). */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(\w+:\/\/[^:/\s]+:)[^@\s]+@/g, '$1[redacted]@')
    .replace(SECRET_PARAMS, '$1[redacted]')
    .replace(/(bearer\s+)[^\s,;"']+/gi, '$1[redacted]')
    .replace(/\bgk_[A-Za-z0-9_-]+/g, 'gk_[redacted]')
    .replace(/\bgAAAAA[A-Za-z0-9_=-]{20,}/g, '[redacted-fernet]');
}

const globalLog = globalThis as unknown as { grantkeeperLogger?: Logger };

/** The process logger. */
export function getLogger(): Logger {
  globalLog.grantkeeperLogger ??= createLogger();
  return globalLog.grantkeeperLogger;
}

/** A child logger whose every line carries the request id. */
export function requestLogger(requestId: string | null | undefined): Logger {
  return requestId ? getLogger().child({ requestId }) : getLogger();
}
