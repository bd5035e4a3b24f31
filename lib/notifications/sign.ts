import 'server-only';
import crypto from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, spec "Signature scheme"):
 * HMAC-SHA256 over `<msg id>.<unix seconds>.<body>` keyed with the base64-decoded secret, sent as
 * `webhook-signature: v1,<base64>`. The timestamp is signed so a captured request cannot be
 * replayed later: receivers reject timestamps outside their tolerance (five minutes by default).
 */

export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(SECRET_BYTES).toString('base64');
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('webhook secret is empty');
  return key;
}

/** The `webhook-signature` value (`v1,<base64 HMAC>`) for one message. */
export function signWebhook(secret: string, msgId: string, timestamp: Date, body: string): string {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  const mac = crypto.createHmac('sha256', secretKey(secret)).update(`${msgId}.${seconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers for a body that is sent exactly as passed here. */
export function webhookHeaders(input: { secret: string; msgId: string; timestamp: Date; body: string }): Record<string, string> {
  return {
    'webhook-id': input.msgId,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': signWebhook(input.secret, input.msgId, input.timestamp, input.body),
  };
}
