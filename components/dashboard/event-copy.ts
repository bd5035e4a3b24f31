import { formatDistanceStrict } from 'date-fns';

/** Audit events in words for the connection page. Detail values were stripped of secrets when written. */

const ACTIONS: Record<string, string> = {
  'token.refreshed': 'Token refreshed',
  'token.refresh_failed': 'Refresh failed',
  'token.refresh_discarded': 'Refresh discarded',
  'token.refresh_pending': 'Refresh kept for later',
  'connection.key_unavailable': 'Tokens unreadable',
  'connection.needs_reauth': 'Needs reconnect',
  'connection.expires_soon': 'Expiry warning',
  'connection.connected': 'Connected',
  'connection.reconnected': 'Reconnected',
  'connection.disconnected': 'Disconnected',
  'oauth.authorize': 'Consent started',
  'oauth.callback': 'Consent answered',
  'token.read': 'Token handed out',
  'connection.imported': 'Imported from the prototype',
  'prototype.imported': 'Prototype import',
};

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action.replace(/[._]/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function actorLabel(actor: string): string {
  if (actor === 'user') return 'you';
  if (actor === 'system') return 'scheduler';
  if (actor.startsWith('api_key:')) return `API key ${actor.slice('api_key:'.length)}`;
  return actor;
}

export function outcomeVariant(outcome: string): 'success' | 'destructive' | 'secondary' {
  if (outcome === 'success') return 'success';
  if (outcome === 'failure' || outcome === 'denied') return 'destructive';
  return 'secondary';
}

const seconds = (value: unknown) => (typeof value === 'number' ? formatDistanceStrict(0, value * 1000) : null);
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** One line about what an event says, from its detail. */
export function describeEvent(action: string, detail: Record<string, unknown>): string {
  switch (action) {
    case 'token.refreshed': {
      const parts = [seconds(detail.expiresInSec) ? `new access token valid for ${seconds(detail.expiresInSec)}` : 'new access token'];
      if (detail.rotated === true) parts.push('refresh token rotated');
      if (detail.recovered === true) parts.push('recovered after failures');
      if (typeof detail.writeAttempts === 'number') parts.push(`stored on write attempt ${detail.writeAttempts}`);
      if (typeof detail.appliedLate === 'string') parts.push('stored after the database came back');
      return parts.join('; ');
    }
    case 'token.refresh_failed':
    case 'connection.needs_reauth': {
      const code = text(detail.errorCode) ?? 'unknown error';
      const http = text(detail.httpStatus);
      const parts = [`${code}${http ? ` (HTTP ${http})` : ''}`];
      if (detail.attempt !== undefined) parts.push(`attempt ${text(detail.attempt)}`);
      if (action === 'connection.needs_reauth') parts.push('the provider no longer accepts the grant');
      else if (seconds(detail.retryInSec)) parts.push(`retry in ${seconds(detail.retryInSec)}`);
      else if (detail.status === 'error') parts.push('gave up: reconnect or Refresh now');
      return parts.join('; ');
    }
    case 'connection.expires_soon':
      return typeof detail.expiresAt === 'string' ? `the grant ends at ${detail.expiresAt.replace('T', ' ').slice(0, 16)} UTC` : 'the grant ends soon';
    case 'token.refresh_pending':
      return 'new tokens could not be written yet; kept encrypted and applied before the next refresh';
    case 'connection.key_unavailable':
      return 'no configured encryption key decrypts the stored tokens; retried when the keys change';
    case 'token.refresh_discarded':
      return text(detail.reason) ?? 'the connection changed while refreshing';
    default:
      return Object.entries(detail)
        .filter(([k, v]) => k !== 'provider' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
        .slice(0, 6)
        .map(([k, v]) => `${detailKeyLabel(k)}: ${detailValueText(k, v)}`)
        .join(' · ');
  }
}

/** Audit detail keys in words; any other key is split into words ("retryInSec" → "Retry in sec"). */
const DETAIL_KEYS: Record<string, string> = {
  externalAccountId: 'Account id',
  account: 'Account',
  provider: 'Provider',
  hasRefreshToken: 'Refresh token issued',
  simulated: 'Simulator',
  region: 'Consent region',
  reason: 'Why',
  outcome: 'Result',
  presentedBy: 'Presented by',
  presentedFor: 'Presented for',
  errorCode: 'Error',
  httpStatus: 'HTTP status',
  expiresInSec: 'Valid for',
  retryInSec: 'Retry in',
  expiresAt: 'Ends at',
};

export function detailKeyLabel(key: string): string {
  if (Object.hasOwn(DETAIL_KEYS, key)) return DETAIL_KEYS[key]!;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.replace(/^./, (c) => c.toUpperCase());
}

/** What providers answer when a person says no (RFC 6749 §4.1.2.1 and each provider's own). */
const PROVIDER_ERRORS: Record<string, string> = {
  access_denied: 'consent was denied at the provider',
  user_cancelled_authorize: 'you cancelled at the provider',
  user_cancelled_login: 'you cancelled signing in at the provider',
  user_denied: 'consent was denied at the provider',
  invalid_scope: 'the provider refused the requested permissions',
  server_error: 'the provider had an internal error',
  temporarily_unavailable: 'the provider was temporarily unavailable',
};

/** Reasons and outcome codes the connect flow writes (lib/connections/callback.ts). */
const DETAIL_VALUES: Record<string, string> = {
  consent_denied: 'consent denied',
  invalid_state: 'invalid sign-in link',
  state_expired: 'sign-in link expired',
  invalid_request: 'malformed answer from the provider',
  token_exchange_failed: 'the provider refused to issue tokens',
  provider_unavailable: 'the provider did not answer',
  not_configured: 'provider not configured',
  missing_code: 'the provider sent no code',
  missing_state: 'no sign-in link state',
  oversized_state: 'oversized state',
  oversized_or_malformed_parameters: 'oversized or malformed parameters',
  unknown_or_used_state: 'sign-in link unknown or already used',
  state_of_another_provider: 'sign-in link of another provider',
  state_of_another_user: 'sign-in link of another user',
  state_presented_by_another_user: 'your sign-in link was presented by someone else',
  another_signed_in_user: 'another signed-in user',
  no_session: 'someone not signed in',
  provider_not_configured: 'provider not configured',
  access_token_end: 'the access token ends',
  refresh_token_end: 'the refresh token ends',
};

const REGION_WORDS: Record<string, string> = { na: 'North America', eu: 'Europe', fe: 'Far East' };

/** An audit detail value in words where it is a code; anything else as it was written. */
export function detailValueText(key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'string') return String(value);
  if (key === 'region' && Object.hasOwn(REGION_WORDS, value)) return REGION_WORDS[value]!;
  const providerError = /^provider_error:(.+)$/.exec(value);
  if (providerError) {
    const code = providerError[1]!;
    return Object.hasOwn(PROVIDER_ERRORS, code) ? PROVIDER_ERRORS[code]! : `the provider answered “${code}”`;
  }
  if ((key === 'reason' || key === 'outcome' || key === 'presentedBy') && Object.hasOwn(DETAIL_VALUES, value)) return DETAIL_VALUES[value]!;
  return value;
}
