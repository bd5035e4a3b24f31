import 'server-only';
import { z } from 'zod';
import { PROVIDER_SLUGS, REGIONS } from '../providers/types';
import type { ConnectionStatusView } from '../connections/status';
import { timestamp, type SameType } from './common';

/** Connections: status list, refresh now, disconnect, the token API, and starting a connect. */

export const providerParams = z.object({ provider: z.enum(PROVIDER_SLUGS) });

export const authorizeQuery = z.object({
  region: z.enum(REGIONS).optional().describe('Amazon Ads only: na, eu or fe.'),
  connection: z.uuid().optional().describe('Reconnect this connection instead of adding one.'),
  return: z.string().max(200).optional().describe('An app path to come back to.'),
});

export const connectionStatusSchema = z.object({
  id: z.uuid(),
  provider: z.string(),
  account: z.object({ id: z.string(), name: z.string().nullable() }),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'needs_reauth', 'error', 'revoked']),
  health: z.enum(['active', 'expiring_soon', 'refreshing', 'needs_reauth', 'error', 'revoked']),
  expiresAt: timestamp,
  refreshTokenExpiresAt: timestamp.nullable(),
  hasRefreshToken: z.boolean(),
  lastRefreshedAt: timestamp.nullable(),
  nextAttemptAt: timestamp.nullable(),
  consecutiveFailures: z.int(),
  lastError: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  metadata: z.record(z.string(), z.unknown()).describe('Provider accounts: Amazon profiles, LinkedIn ad accounts, X user, Meta pages.'),
  hiddenAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const connectionStatusListSchema = z.object({ connections: z.array(connectionStatusSchema) });
// The dashboard reads this answer as ConnectionStatusView (components/dashboard/queries.ts): a field
// added to one and not the other fails the type check instead of vanishing from the response.
export const statusViewMatchesSchema: SameType<z.output<typeof connectionStatusSchema>, ConnectionStatusView> = true;

export const refreshedSchema = z.object({ ok: z.literal(true), kind: z.enum(['refreshed', 'already_fresh']), expiresAt: timestamp, message: z.string() });
export const notRefreshedSchema = z.object({
  ok: z.literal(false),
  kind: z.enum(['needs_reauth', 'revoked', 'retrying', 'error', 'provider_unavailable', 'key_unavailable']),
  message: z.string(),
});
export const refreshNowResultSchema = z.discriminatedUnion('ok', [refreshedSchema, notRefreshedSchema]);

export const disconnectOutcomeSchema = z.object({
  revokedAtProvider: z.boolean().describe('The provider confirmed the revocation.'),
  manualStep: z.string().optional().describe('What to do at the provider, where it has no revoke endpoint.'),
  providerError: z.string().optional().describe('The provider failed to revoke; the tokens were still erased here.'),
  alreadyRevoked: z.boolean(),
});
export const disconnectResultSchema = disconnectOutcomeSchema.extend({ status: z.literal('revoked') });

export const accessTokenSchema = z.object({
  access_token: z.string(),
  token_type: z.string(),
  expires_at: timestamp,
});
