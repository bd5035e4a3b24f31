import 'server-only';
import type { ErrorKind, ProviderErrorInfo } from '../providers/types';

/**
 * Permanent vs transient, shared by every provider definition.
 *
 * `permanent` sets needs_reauth at once and stops retrying (design invariant 4), so it is reserved
 * for a provider saying *this grant is dead*: `invalid_grant` (RFC 6749 §5.2) and each provider's
 * own spelling of it. Everything else is `transient`: 429 and 5xx obviously, but also client and
 * configuration errors (`invalid_client`, `unauthorized_client`, `invalid_client_id`,
 * `unsupported_grant_type`, `invalid_scope`, an unexpected `invalid_request`, any unknown 4xx).
 * Those say the *app* is misconfigured (rotated secret, wrong client id, revoked app approval),
 * not that the user's grant is gone: asking every user to reconnect would not help (the code
 * exchange fails the same way), while fixing the configuration revives every stored grant. As
 * transient they get the bounded retries (at most 5, with backoff) and then land in `error`, which
 * an operator sees, with the refresh token kept. `isConfigurationError` lets callers say so.
 */

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A classifier from a provider's "grant is dead" predicate. */
export function classifyBy(isGrantDead: (info: ProviderErrorInfo) => boolean): (info: ProviderErrorInfo) => ErrorKind {
  return (info) => {
    // A 5xx or 429 is the server's trouble whatever its body says: retry.
    if (isRetryableStatus(info.status)) return 'transient';
    return isGrantDead(info) ? 'permanent' : 'transient';
  };
}

export function isInvalidGrant(info: ProviderErrorInfo): boolean {
  return info.error === 'invalid_grant';
}

const CONFIGURATION_ERRORS = new Set([
  'invalid_client',
  'invalid_client_id',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_redirect_uri',
]);

/** True for errors an operator must fix in the app's configuration (see the note above). */
export function isConfigurationError(error: { code: string }): boolean {
  return CONFIGURATION_ERRORS.has(error.code);
}
