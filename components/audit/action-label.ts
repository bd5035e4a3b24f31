import { actionLabel } from '@/components/dashboard/event-copy';

/** Actions the connection page never shows (they name no connection), in words. */
const ACCOUNT_ACTIONS: Record<string, string> = {
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'notification_endpoint.created': 'Webhook endpoint set',
  'notification_endpoint.updated': 'Webhook endpoint changed',
  'notification_endpoint.deleted': 'Webhook endpoint removed',
  'notification.test_sent': 'Test event sent',
  'notification.delivered': 'Webhook delivered',
  'notification.failed': 'Webhook delivery failed',
  'user.deleted': 'Account deleted',
};

/** An audit action in words: the connection page's wording, plus the account-level actions. */
export function auditActionLabel(action: string): string {
  return ACCOUNT_ACTIONS[action] ?? actionLabel(action);
}
