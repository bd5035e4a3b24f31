import { SECRET_PATTERNS } from '@/lib/scrub-secrets';

/**
 * The last line of defence on screen. Audit details are sanitized when written (lib/db/audit.ts),
 * but rows written by older code, or a provider message quoting a credential, must still never show
 * one: anything shaped like a token is replaced before it is rendered. The shapes are the ones the
 * logs and Sentry scrub (lib/scrub-secrets.ts SECRET_PATTERNS); only the replacement differs.
 */

export const HIDDEN = '[hidden]';

/** The shared replacements as the screen words them: what names the secret (`$1`) stays, the secret reads HIDDEN. */
const ON_SCREEN = SECRET_PATTERNS.map(
  ([shape, replacement]) => [shape, replacement.startsWith('$1') ? replacement.replace(/\[redacted[^\]]*\]/, HIDDEN) : HIDDEN] as const,
);
/** "Bearer [hidden]" says no more than "[hidden]": the scheme goes with its value. */
const SCHEME_BEFORE_HIDDEN = /\b(?:bearer|basic)\s+\[hidden\]/gi;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A long run of base64/base64url characters (dots split it: ids such as amzn1.account.… are dotted; JWTs are caught above)… */
const LONG_RUN = /[A-Za-z0-9+/_=-]{32,}/g;

/** …is hidden when it mixes letters and digits like random material does (ids such as UUIDs excepted). */
function looksRandom(run: string): boolean {
  return !UUID.test(run) && /\d/.test(run) && /[A-Za-z]/.test(run);
}

export function redactTokenLike(text: string): string {
  let out = text;
  for (const [shape, replacement] of ON_SCREEN) out = out.replace(shape, replacement);
  out = out.replace(SCHEME_BEFORE_HIDDEN, HIDDEN);
  return out.replace(LONG_RUN, (run) => (looksRandom(run) ? HIDDEN : run));
}
