import 'server-only';
import { Webhook, WebhookVerificationError } from 'svix';
import { z } from 'zod';
import { forgetSessionUser } from '../auth/session';
import type { Database } from '../db';
import { claimClerkWebhookId, deleteExpiredClerkWebhookIds } from '../db/clerk-webhook-events';
import { softDeleteUser, upsertUser } from '../db/users';

/** Clerk user webhooks, delivered by Svix: https://clerk.com/docs/webhooks/sync-data */

const emailAddress = z.object({ id: z.string(), email_address: z.string() });

const userData = z.object({
  id: z.string().min(1),
  email_addresses: z.array(emailAddress).default([]),
  primary_email_address_id: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  username: z.string().nullish(),
});

const clerkEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user.created'), data: userData }),
  z.object({ type: z.literal('user.updated'), data: userData }),
  z.object({ type: z.literal('user.deleted'), data: z.object({ id: z.string().min(1) }) }),
]);

export type ClerkWebhookResult =
  | { ok: true; handled: string }
  | { ok: false; code: 'invalid_signature' | 'bad_request'; message: string };

/**
 * Verifies the Svix signature (which covers id, timestamp and body, and rejects timestamps more
 * than five minutes off) before anything is parsed or written. A verified delivery is applied at
 * most once per `svix-id`: the id is recorded in the transaction that applies the event, so a
 * replay inside the signature's window, or Svix's own redelivery, is acknowledged and ignored.
 */
export async function handleClerkWebhook(
  db: Database,
  secret: string,
  body: string,
  headers: Headers,
  requestId?: string,
): Promise<ClerkWebhookResult> {
  const svixId = headers.get('svix-id') ?? '';
  let payload: unknown;
  try {
    payload = new Webhook(secret).verify(body, {
      'svix-id': svixId,
      'svix-timestamp': headers.get('svix-timestamp') ?? '',
      'svix-signature': headers.get('svix-signature') ?? '',
    });
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      return { ok: false, code: 'invalid_signature', message: 'The webhook signature does not verify.' };
    }
    // svix parses the body only after the signature verified: a signed body that is not JSON.
    if (err instanceof SyntaxError) return { ok: false, code: 'bad_request', message: 'The webhook body is not JSON.' };
    throw err;
  }

  const type = (payload as { type?: unknown })?.type;
  if (type !== 'user.created' && type !== 'user.updated' && type !== 'user.deleted') {
    return { ok: true, handled: `ignored:${String(type)}` };
  }
  const parsed = clerkEvent.safeParse(payload);
  if (!parsed.success) return { ok: false, code: 'bad_request', message: 'Unexpected Clerk event shape.' };

  const event = parsed.data;
  const applied = await db.transaction(async (tx) => {
    if (!(await claimClerkWebhookId(tx, { svixId, eventType: event.type }))) return false;
    if (event.type === 'user.deleted') {
      await softDeleteUser(tx, event.data.id, requestId);
    } else {
      const d = event.data;
      const email = d.email_addresses.find((e) => e.id === d.primary_email_address_id) ?? d.email_addresses[0];
      const displayName = [d.first_name, d.last_name].filter(Boolean).join(' ') || d.username || null;
      await upsertUser(tx, { id: d.id, email: email?.email_address ?? null, displayName }, requestId);
    }
    return true;
  });
  await deleteExpiredClerkWebhookIds(db);
  if (!applied) return { ok: true, handled: `duplicate:${event.type}` };
  if (event.type === 'user.deleted') forgetSessionUser(event.data.id);
  return { ok: true, handled: event.type };
}
