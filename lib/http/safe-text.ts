import { z } from 'zod';

/**
 * Text that may reach the database. PostgreSQL refuses NUL in `text` and `jsonb` (SQLSTATE 22021
 * / 22P05), which turned a key name or a callback's `error=access%00denied` into a 500; other
 * control characters and lone surrogates are garbage no person typed. Tab and line breaks stay
 * allowed: people paste them.
 */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSAFE_TEXT_MESSAGE = 'The text contains characters that are not allowed (such as NUL or other control characters).';

export function isSafeText(value: string): boolean {
  return !UNSAFE.test(value);
}

/** A zod string that refuses unsafe text; chain bounds and transforms as usual. */
export function safeText(message = UNSAFE_TEXT_MESSAGE) {
  return z.string().refine(isSafeText, { message });
}

/** True when every value of the named query parameters (or of all, when none are named) is safe. */
export function searchParamsAreSafe(params: URLSearchParams, names?: readonly string[]): boolean {
  for (const [name, value] of params) {
    if (names && !names.includes(name)) continue;
    if (!isSafeText(value)) return false;
  }
  return true;
}
