import 'server-only';
import { z } from 'zod';
import { PROTOTYPE_PLATFORM_ALIASES, PROTOTYPE_PLATFORMS } from '../connections/platform-names';
import { timestamp } from './common';
import { nextCursor, PAGE_LIMIT, pageLimit, pageQuery } from './paging';
import { connectionStatusSchema, disconnectOutcomeSchema, notRefreshedSchema, refreshedSchema } from './connections';

/** The Python prototype's routes (lib/connections/prototype-compat.ts). */

const aliases = Object.entries(PROTOTYPE_PLATFORM_ALIASES)
  .map(([from, to]) => `\`${from}\` = \`${to}\``)
  .join(', ');

export const platformParams = z.object({
  provider: z
    .enum(PROTOTYPE_PLATFORMS as [string, ...string[]])
    .describe(`The platform: one of our provider slugs, or the prototype's name for it (${aliases}).`),
});

export const platformQuery = z.object({
  connection: z.uuid().optional().describe('Only this connection (it must belong to the platform); every live one when absent.'),
});

export const platformRefreshSchema = z.object({
  provider: z.string().describe('Our slug for the platform.'),
  ok: z.boolean().describe('Every connection was refreshed (or was already fresh).'),
  results: z.array(
    z.discriminatedUnion('ok', [refreshedSchema.extend({ connectionId: z.uuid() }), notRefreshedSchema.extend({ connectionId: z.uuid() })]),
  ),
});

export const platformDisconnectSchema = z.object({
  provider: z.string(),
  results: z.array(disconnectOutcomeSchema.extend({ connectionId: z.uuid() })),
});

export const prototypeUserSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  createdAt: timestamp,
  authMode: z.enum(['local', 'clerk']),
});

/**
 * Without `limit`, a prototype client (which never pages) gets every live account in one answer,
 * as the prototype gave it, up to this many. Beyond it the answer is cut there and carries
 * `next_cursor`, rather than one request reading and serializing an unbounded list.
 */
export const ACCOUNTS_UNPAGED_CAP = 1000;

/** The prototype sent no query: both are optional, and without `limit` the answer is the whole list (up to a cap). */
export const userAccountsQuery = pageQuery.extend({
  limit: pageLimit.optional().describe(`Accounts per page (at most ${PAGE_LIMIT.max}); none: the whole list, up to ${ACCOUNTS_UNPAGED_CAP}.`),
});

export const userAccountsSchema = z.object({
  accounts: z.array(connectionStatusSchema).describe('In the status API’s order: provider, name, age.'),
  next_cursor: nextCursor
    .optional()
    .describe(
      `Pass as \`cursor\` for the next page; null on the last. Only when paged (\`limit\` or \`cursor\`), or when an unpaged list was cut at ${ACCOUNTS_UNPAGED_CAP}.`,
    ),
});
