import 'server-only';
import { z } from 'zod';
import { timestamp } from './common';

/** The signed-in user: who they are, their API keys and their webhook endpoint. */

export const meSchema = z.object({ id: z.string(), authMode: z.enum(['local', 'clerk']) });

/** The name is checked further (length, control characters) by lib/api-keys/keys.ts. */
export const createApiKeyBody = z.object({ name: z.string().describe('1 to 100 characters.') });

export const apiKeySummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
});
export const apiKeyListSchema = z.object({ apiKeys: z.array(apiKeySummarySchema) });
export const apiKeyIdParams = z.object({ id: z.string() });

export const createdApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  key: z.string().describe('The whole key (`gk_…`): in this response only, never again.'),
  createdAt: timestamp,
});

export const saveWebhookEndpointBody = z.object({
  url: z.string().describe('An https URL (http and private addresses only where allowed).'),
  rotateSecret: z.boolean().optional(),
});

const webhookEndpoint = z.object({ url: z.string(), createdAt: timestamp, updatedAt: timestamp });
export const webhookEndpointSchema = z.object({ endpoint: webhookEndpoint.nullable() });
export const savedWebhookEndpointSchema = z.object({
  endpoint: webhookEndpoint,
  secret: z.string().optional().describe('The `whsec_` signing secret: only on creation or rotation.'),
});

export const webhookDeliveriesSchema = z.object({
  deliveries: z.array(
    z.object({
      id: z.uuid(),
      connectionId: z.uuid().nullable(),
      type: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.int(),
      nextAttemptAt: timestamp.nullable(),
      lastStatusCode: z.int().nullable(),
      lastError: z.string().nullable(),
      createdAt: timestamp,
      deliveredAt: timestamp.nullable(),
      payload: z.unknown().describe('The signed Standard Webhooks payload as sent.'),
    }),
  ),
});

export const testDeliverySchema = z.object({
  delivery: z.union([
    z.object({
      deliveryId: z.uuid(),
      status: z.enum(['delivered', 'retrying', 'failed']),
      statusCode: z.int().nullable(),
      error: z.string().nullable(),
      attempts: z.int(),
      nextAttemptAt: timestamp.nullable(),
    }),
    z.object({ deliveryId: z.uuid(), status: z.literal('queued') }),
  ]),
});
