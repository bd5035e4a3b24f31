import 'server-only';
/** What Grantkeeper tells a user's webhook endpoint about. */
export const NOTIFICATION_TYPES = [
  'connection.needs_reauth',
  'connection.error',
  'connection.recovered',
  'connection.expires_soon',
  /** A campaign insights sync run ended failed (lib/insights/notify.ts). */
  'insights.sync_failed',
  'test',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** The JSON body of every event, as signed and sent. Never carries a token. */
export interface NotificationPayload {
  type: NotificationType;
  /** When the event happened (ISO 8601), not when this attempt was sent. */
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * What the refresh engine is expected to put in `data` for connection events; every field is
 * optional so an event can say what it knows. Anything secret-named is dropped on enqueue anyway.
 */
export interface ConnectionNotificationData {
  connectionId: string;
  provider: string;
  account?: string | null;
  status?: string;
  reason?: string | null;
  errorCode?: string | null;
  expiresAt?: string | Date | null;
  [extra: string]: unknown;
}

/** A delivery as its owner sees it: the payload and the attempt history, no secret. */
export interface WebhookDelivery {
  id: string;
  connectionId: string | null;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  payload: unknown;
}
