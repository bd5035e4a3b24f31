/**
 * Removes the usual shapes of a secret from free text. Plain and dependency-free, so the browser's
 * error tracking (lib/error-tracking/scrub-event.ts) scrubs exactly like the server's logs.
 */

/** Query parameters that carry a credential in OAuth and Graph URLs. */
const SECRET_PARAMS = /([?&](?:code|state|access_token|refresh_token|id_token|token|client_secret|fb_exchange_token|appsecret_proof|code_verifier)=)[^&#\s"'<>]+/gi;

/** URL passwords, credential parameters, bearer values, our API keys and Fernet tokens. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(\w+:\/\/[^:/\s]+:)[^@\s]+@/g, '$1[redacted]@')
    .replace(SECRET_PARAMS, '$1[redacted]')
    .replace(/(bearer\s+)[^\s,;"']+/gi, '$1[redacted]')
    .replace(/\bgk_[A-Za-z0-9_-]+/g, 'gk_[redacted]')
    .replace(/\bgAAAAA[A-Za-z0-9_=-]{20,}/g, '[redacted-fernet]');
}

/** Object keys whose values are credentials wherever they appear (logs and error reports). */
export const SECRET_KEYS = [
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
