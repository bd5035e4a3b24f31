import 'server-only';
/**
 * What a user is told about a failed delivery: a status code and one of a few fixed sentences.
 * Never the receiver's body (a user could aim the URL at an internal service and read its answer)
 * and never the socket or TLS error (refused, reset and timed out would tell open ports from
 * closed ones): every network failure reads the same. Likewise a name that resolves to a private
 * address and a name that does not resolve (hostRefused): told apart, they would map the server's
 * internal DNS for whoever points their webhook's name at internal ones.
 */
export const DELIVERY_ERROR = {
  blocked: 'Blocked: the URL resolves to a private address',
  unreachable: 'Connection refused or timed out',
  hostRefused: 'The host name does not resolve to a public address',
  endpointRemoved: 'endpoint removed',
  secretUnreadable: 'signing secret unreadable (encryption key missing?)',
} as const;

export function receiverAnswered(status: number): string {
  return status >= 300 && status < 400 ? `Receiver answered ${status} (redirects are not followed)` : `Receiver answered ${status}`;
}

const FIXED: ReadonlySet<string> = new Set(Object.values(DELIVERY_ERROR));
const ANSWERED = /^Receiver answered \d{3}( \(redirects are not followed\))?$/;
/** Rows written before hostRefused said which of its two cases it was. */
const LEGACY_UNRESOLVED = 'The host name could not be resolved';
/** Rows written before these messages existed held the receiver's answer after the status. */
const LEGACY_STATUS = /^(?:HTTP error|redirect not followed) (\d{3})\b/;

/** A stored error as it may be shown: one of the fixed messages, whatever the row holds. */
export function describeDeliveryError(stored: string | null): string | null {
  if (stored === null) return null;
  if (FIXED.has(stored) || ANSWERED.test(stored)) return stored;
  if (stored === LEGACY_UNRESOLVED) return DELIVERY_ERROR.hostRefused;
  const legacy = LEGACY_STATUS.exec(stored);
  if (legacy) return receiverAnswered(Number(legacy[1]));
  return /^(?:connection failed|timed out)/.test(stored) ? DELIVERY_ERROR.unreachable : 'Delivery failed';
}
