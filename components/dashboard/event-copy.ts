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
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(' · ');
  }
}
