import 'server-only';
import { asUser, type Database } from '../db';
import type { ConnectionStatus } from '../db/connections';
import { countConnections, listAttentionCandidates, listConnectionPage, locateConnectionPage } from '../db/connection-pages';
import { decodeCursor, encodeCursor, slicePage } from './cursor';
import { toStatusView, type ConnectionStatusView } from './status';

/** One page of the connection list, and the cursors of its neighbours (null: there is none). */
export interface ConnectionPage {
  connections: ConnectionStatusView[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** The cursor that opens this very page again (null: the first page): the URL to share. */
  cursor: string | null;
}

export interface ConnectionPageQuery {
  limit: number;
  /** Opaque, from a previous page's nextCursor or prevCursor; a malformed one was refused by the caller. */
  cursor?: string;
  provider?: string;
  status?: ConnectionStatus;
  listedOnly?: boolean;
  /** Leave out revoked connections. */
  live?: boolean;
}

export async function readConnectionPage(db: Database, userId: string, q: ConnectionPageQuery): Promise<ConnectionPage> {
  const at = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await asUser(db, userId, (tx) =>
    listConnectionPage(tx, { ...q, userId, after: at?.after, before: at?.before }),
  );
  const page = slicePage(rows, q.limit, at);
  const now = new Date();
  return {
    connections: page.rows.map((row) => toStatusView(row, now)),
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    cursor: q.cursor && (page.prevCursor || at?.after) ? q.cursor : null,
  };
}

/**
 * The cursor of the page, counted from the first, that holds connection `id` (null: the first page
 * holds it, or the filter leaves it out): after a connect the dashboard opens on the new card.
 */
export async function cursorOfPageWith(db: Database, userId: string, id: string, q: Omit<ConnectionPageQuery, 'cursor'>): Promise<string | null> {
  const before = await asUser(db, userId, (tx) => locateConnectionPage(tx, { userId, id, ...q }));
  return before ? encodeCursor({ after: before }) : null;
}

export interface ConnectionOverview {
  /** Every connection the user has, removed ones included. */
  total: number;
  /** Listed connections per status and per provider; removed ones are only counted in `removed`. */
  byStatus: Record<ConnectionStatus, number>;
  byProvider: { provider: string; count: number }[];
  removed: number;
  /** The connections a person must act on, most urgent first, at most ATTENTION_SHOWN. */
  attention: ConnectionStatusView[];
  /** More need attention than are listed. */
  attentionMore: boolean;
}

export const ATTENTION_SHOWN = 20;
const URGENCY: Record<string, number> = { needs_reauth: 0, error: 1, expiring_soon: 2 };

export async function readConnectionOverview(db: Database, userId: string): Promise<ConnectionOverview> {
  const [counts, candidates] = await asUser(db, userId, async (tx) => [
    await countConnections(tx, { userId }),
    await listAttentionCandidates(tx, { userId, limit: ATTENTION_SHOWN * 2 }),
  ] as const);
  const byStatus: Record<ConnectionStatus, number> = { active: 0, needs_reauth: 0, error: 0, revoked: 0 };
  const providers = new Map<string, number>();
  let total = 0;
  let removed = 0;
  for (const c of counts) {
    total += c.count;
    if (c.hidden) {
      removed += c.count;
      continue;
    }
    byStatus[c.status] += c.count;
    providers.set(c.provider, (providers.get(c.provider) ?? 0) + c.count);
  }
  const now = new Date();
  // The query is a superset (it cannot see a lease being refreshed): each row's health decides.
  const attention = candidates
    .map((row) => toStatusView(row, now))
    .filter((c) => URGENCY[c.health] !== undefined)
    .sort((a, b) => URGENCY[a.health]! - URGENCY[b.health]!);
  return {
    total,
    byStatus,
    byProvider: [...providers].map(([provider, count]) => ({ provider, count })),
    removed,
    attention: attention.slice(0, ATTENTION_SHOWN),
    attentionMore: attention.length > ATTENTION_SHOWN || candidates.length === ATTENTION_SHOWN * 2,
  };
}

/**
 * The dashboard's page: the cursor's, or after a connect (`connection`, no cursor) the page that
 * holds that connection, so the new card is on screen. A cursor not from us opens the first page.
 */
export async function openListPage(
  db: Database,
  userId: string,
  q: Omit<ConnectionPageQuery, 'cursor'> & { cursor?: string; connection?: string },
): Promise<ConnectionPage> {
  const { connection, cursor, ...filter } = q;
  const valid = cursor && decodeCursor(cursor) ? cursor : undefined;
  const opened = valid ?? (connection ? await cursorOfPageWith(db, userId, connection, filter) : null);
  return readConnectionPage(db, userId, { ...filter, cursor: opened ?? undefined });
}
