import { PATH_KEYS, SECRET_KEYS, scrubPath, scrubSecrets } from '../scrub-secrets';

/**
 * Sentry's beforeSend and beforeBreadcrumb, on the server, the edge and in the browser: every key
 * that names a credential (tokens, codes, secrets, keys, Authorization, cookies) loses its value
 * wherever it sits, and every string is scrubbed of the shapes of a secret (bearer values, URL
 * passwords, credential query parameters, gk_ keys, Fernet tokens, JWTs, provider tokens), the same
 * rules as the logs (lib/log.ts); paths and URLs lose secret-shaped segments (scrubPath). Request
 * headers and cookies are dropped whole: nothing in them is worth the risk.
 */

const SECRET_KEY_SET = new Set([...SECRET_KEYS, 'x-api-key', 'proxy-authorization', 'set-cookie', 'cookies', 'state'].map((k) => k.toLowerCase()));
/** Names that carry a secret whatever their prefix: clientSecret, x_refresh_token, metricsToken… */
const SECRET_KEY_PATTERN = /(secret|token|password|passwd|authorization|cookie|api_?key|private_?key|encryption_?keys?|dsn|^code$|verifier)/i;
/** Paths and URLs (the `path` tag, request.url, breadcrumbs' url): secret-shaped segments go too, as in the logs. */
const PATH_KEY_SET = new Set(PATH_KEYS);
const MAX_DEPTH = 12;

export const REDACTED = '[redacted]';

/**
 * What the SDK may collect on its own: nothing about users, cookies, headers, bodies, query
 * strings, queries or local variables. An event is the error, its stack and our tags.
 */
export const MINIMAL_DATA_COLLECTION = {
  userInfo: false,
  cookies: false,
  httpHeaders: false,
  httpBodies: [],
  urlQueryParams: false,
  databaseQueryData: false,
  queues: false,
  genAI: { inputs: false, outputs: false },
  graphQL: { document: false, variables: false },
  stackFrameVariables: false,
};

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isSecretKey(key)) out[key] = REDACTED;
    else if (typeof v === 'string' && PATH_KEY_SET.has(key.toLowerCase())) out[key] = scrubPath(v);
    else out[key] = scrubValue(v, depth + 1);
  }
  return out;
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY_SET.has(key.toLowerCase()) || SECRET_KEY_PATTERN.test(key);
}

/** A copy of a Sentry event (or breadcrumb) with every secret removed; never throws. */
export function scrubEvent<T extends object>(event: T): T {
  try {
    const copy = scrubValue(event, 0) as T & { request?: Record<string, unknown> };
    if (copy.request && typeof copy.request === 'object') {
      delete copy.request.headers;
      delete copy.request.cookies;
      delete copy.request.data;
    }
    return copy;
  } catch {
    // A scrubber that fails must not let the original through.
    return { message: 'event dropped: it could not be scrubbed' } as T;
  }
}
