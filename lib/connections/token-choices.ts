import 'server-only';
import type { Database } from '../db';
import { readConnectionPage } from './page';
import type { ConnectionStatusView } from './status';

/**
 * The connections /settings offers for its ready-to-run token API line: a picker, not a list of
 * record, so the first page of live ones (revoked ones have no token to hand out), in the
 * dashboard's order. Every other connection's own page has the same line with its id.
 */
export const TOKEN_CHOICES_SHOWN = 50;

export interface TokenApiChoices {
  connections: ConnectionStatusView[];
  /** More live connections than are offered. */
  more: boolean;
}

export async function readTokenApiChoices(db: Database, userId: string): Promise<TokenApiChoices> {
  const page = await readConnectionPage(db, userId, { limit: TOKEN_CHOICES_SHOWN, live: true });
  return { connections: page.connections, more: page.nextCursor !== null };
}
