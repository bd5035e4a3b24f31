/**
 * Removes the usual shapes of a secret from free text. Plain and dependency-free, so the browser's
 * error tracking (lib/error-tracking/scrub-event.ts) scrubs exactly like the server's logs.
 */

/** Query parameters that carry a credential in OAuth and Graph URLs. */
const SECRET_PARAMS = /([?&](?:code|state|access_token|refresh_token|id_token|token|client_secret|fb_exchange_token|appsecret_proof|code_verifier)=)[^&#\s"'<>]+/gi;

/**
 * Every shape of a credential pasted anywhere (a message, a stack, a URL path): URL passwords,
 * credential parameters, Bearer and Basic values, our API keys and webhook secrets, Fernet tokens,
 * JWTs and the providers' tokens (Amazon `Atza|`/`Atzr|`, Meta `EAA…`, LinkedIn `AQ…`). The one
 * list the logs, Sentry, paths and the screen (components/audit/redact.ts) share: add a shape here
 * and all of them hide it. Each comes with its replacement; a `$1` there keeps what names the
 * secret (a URL's user, a parameter name, the auth scheme), never the secret.
 */
export const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/(\w+:\/\/[^:/\s]+:)[^@\s]+@/g, '$1[redacted]@'],
  [SECRET_PARAMS, '$1[redacted]'],
  [/(bearer\s+)[^\s,;"']+/gi, '$1[redacted]'],
  // The scheme as sent, capitalised: "a basic check" in a message is not a credential.
  [/\b(Basic\s+)[A-Za-z0-9+/]{8,}={0,2}/g, '$1[redacted]'],
  [/\bgk_[A-Za-z0-9_-]+/g, 'gk_[redacted]'],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  // A Fernet token's first bytes are fixed (version 0x80, then a timestamp): any length is one.
  [/\bgAAAAA[A-Za-z0-9_=-]*/g, '[redacted-fernet]'],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, '[redacted-jwt]'],
  [/\bAtz[ar](?:\||%7C)[^\s,;"'/?#]+/gi, '[redacted]'],
  [/\bEAA[A-Za-z0-9]{20,}/g, '[redacted]'],
  [/\bAQ[VXT][A-Za-z0-9_-]{30,}/g, '[redacted]'],
];

/** Every shape above, replaced. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, [shape, replacement]) => acc.replace(shape, replacement), text);
}

/** A run of token characters long enough to be an opaque credential whatever its issuer… */
export const TOKEN_RUN = /[A-Za-z0-9|_~+/=-]{20,}/g;

/** …when it mixes letters and digits as random material does. */
export function looksRandom(run: string): boolean {
  return /[0-9]/.test(run) && /[A-Za-z]/.test(run);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields that hold a path or URL, in log lines and Sentry events: scrubbed with scrubPath. */
export const PATH_KEYS = ['path', 'pathname', 'url', 'href', 'referer', 'referrer', 'transaction'];

/**
 * A path or URL with every secret-shaped segment replaced: someone pasting a key or token where an
 * id goes (`/api/v1/connections/gk_…`) must not find it in the logs. Whole segments go, since a
 * token with no known prefix is only recognisable by being long and random; ids (UUIDs, numbers,
 * slugs) stay. The origin stays; the query string loses its credential parameters.
 */
export function scrubPath(value: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(value)?.[0] ?? '';
  const rest = value.slice(origin.length);
  const cut = rest.search(/[?#]/);
  const path = cut < 0 ? rest : rest.slice(0, cut);
  const tail = cut < 0 ? '' : rest.slice(cut);
  return scrubSecrets(origin) + path.split('/').map(scrubSegment).join('/') + scrubSecrets(tail);
}

function scrubSegment(segment: string): string {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // Not valid percent-encoding: judged as it is.
  }
  if (UUID.test(text)) return segment;
  const scrubbed = scrubSecrets(text).replace(TOKEN_RUN, (run) => (looksRandom(run) ? '[redacted]' : run));
  return scrubbed === text ? segment : scrubbed;
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
