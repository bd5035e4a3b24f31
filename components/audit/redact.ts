/**
 * The last line of defence on screen. Audit details are sanitized when written (lib/db/audit.ts),
 * but rows written by older code, or a provider message quoting a credential, must still never show
 * one: anything shaped like a token is replaced before it is rendered.
 */

export const HIDDEN = '[hidden]';

/** Shapes that are secrets whatever their length: our keys and secrets, Fernet, bearer values, JWTs, provider tokens. */
const KNOWN_SHAPES = [
  /\bgk_[A-Za-z0-9_-]+/g,
  /\bwhsec_[A-Za-z0-9+/=]+/g,
  /\bgAAAAA[A-Za-z0-9_=-]*/g,
  /\b(bearer|basic)\s+[^\s,;"']+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?/g,
  /\bAtz[ar]\|[^\s,;"']+/g,
  /\bEAA[A-Za-z0-9]{20,}/g,
  /\bAQ[VXT][A-Za-z0-9_-]{30,}/g,
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A long run of base64/base64url characters (dots split it: ids such as amzn1.account.… are dotted; JWTs are caught above)… */
const LONG_RUN = /[A-Za-z0-9+/_=-]{32,}/g;

/** …is hidden when it mixes letters and digits like random material does (ids such as UUIDs excepted). */
function looksRandom(run: string): boolean {
  return !UUID.test(run) && /\d/.test(run) && /[A-Za-z]/.test(run);
}

export function redactTokenLike(text: string): string {
  let out = text;
  for (const shape of KNOWN_SHAPES) out = out.replace(shape, HIDDEN);
  return out.replace(LONG_RUN, (run) => (looksRandom(run) ? HIDDEN : run));
}
