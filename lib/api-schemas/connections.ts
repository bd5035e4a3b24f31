import 'server-only';
import { z } from 'zod';
import { PROVIDER_SLUGS, REGIONS } from '../providers/types';
import type { ConnectionOverview } from '../connections/page';
import type { ConnectionStatusView } from '../connections/status';
import { timestamp, type SameType } from './common';
import { nextCursor, pageQuery, prevCursor } from './paging';

/** Connections: status list, refresh now, disconnect, the token API, and starting a connect. */

export const providerParams = z.object({ provider: z.enum(PROVIDER_SLUGS) });

export const authorizeQuery = z.object({
  region: z.enum(REGIONS).optional().describe('Amazon Ads only: na, eu or fe.'),
  connection: z.uuid().optional().describe('Reconnect this connection instead of adding one.'),
  return: z.string().max(200).optional().describe('An app path to come back to.'),
});

const CONNECTION_STATUSES = ['active', 'needs_reauth', 'error', 'revoked'] as const;

export const connectionStatusSchema = z.object({
  id: z.uuid(),
  provider: z.string(),
  account: z.object({ id: z.string(), name: z.string().nullable() }),
  scopes: z.array(z.string()),
  status: z.enum(CONNECTION_STATUSES),
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

/** The status list a page at a time: a client that reads only `connections` sees all of them up to `limit` (100). */
export const connectionStatusQuery = pageQuery.extend({
  provider: z.enum(PROVIDER_SLUGS).optional().describe('Only this provider’s connections.'),
  status: z.enum(CONNECTION_STATUSES).optional().describe('Only connections in this status.'),
  removed: z.enum(['include', 'exclude']).default('include').describe('`exclude`: leave out the connections removed from the dashboard’s list.'),
});

export const connectionStatusListSchema = z.object({
  connections: z.array(connectionStatusSchema).describe('In the dashboard’s order: provider, live before revoked, name, age.'),
  next_cursor: nextCursor,
  prev_cursor: prevCursor,
});

export const connectionOverviewSchema = z.object({
  total: z.int().describe('Every connection, removed ones included.'),
  byStatus: z.object({ active: z.int(), needs_reauth: z.int(), error: z.int(), revoked: z.int() }).describe('Listed connections per status.'),
  byProvider: z.array(z.object({ provider: z.string(), count: z.int() })),
  removed: z.int().describe('Revoked connections removed from the list (not in byStatus or byProvider).'),
  attention: z.array(connectionStatusSchema).describe('Needs reconnecting, failing, then ending soon; at most 20.'),
  attentionMore: z.boolean().describe('More connections need attention than `attention` lists.'),
});
export const overviewMatchesSchema: SameType<z.output<typeof connectionOverviewSchema>, ConnectionOverview> = true;
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
