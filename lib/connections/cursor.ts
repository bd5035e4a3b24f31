import 'server-only';
import { z } from 'zod';

/**
 * A list cursor names a connection and a direction: "after" it (next pages) or "before" it
 * (previous pages). Opaque to clients (base64url) so the key it stands for can change; it grants
 * nothing: the read is still scoped to the signed-in user, and row-level security backs that.
 */
export type Cursor = { after: string; before?: undefined } | { before: string; after?: undefined };

const PREFIX = { after: 'a', before: 'b' } as const;
const decoded = z.string().regex(/^[ab]:[0-9a-f-]{36}$/).pipe(z.string().transform((s) => s.split(':') as ['a' | 'b', string]));
const uuid = z.uuid();

export function encodeCursor(c: Cursor): string {
  const [dir, id] = c.after !== undefined ? [PREFIX.after, c.after] : [PREFIX.before, c.before];
  return Buffer.from(`${dir}:${id}`).toString('base64url');
}

/** The cursor a string stands for, or null when it is not one of ours. */
export function decodeCursor(raw: string): Cursor | null {
  if (raw.length > 64 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  const parsed = decoded.safeParse(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!parsed.success || !uuid.safeParse(parsed.data[1]).success) return null;
  const [dir, id] = parsed.data;
  return dir === 'a' ? { after: id } : { before: id };
}

export const isCursor = (raw: string) => decodeCursor(raw) !== null;

/** A keyset page: the rows on it, and the cursors of its neighbours (null: there is none). */
export interface KeysetPage<T> {
  rows: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * Cuts the `limit` + 1 rows a keyset query read at cursor `at` (in list order) to one page and
 * names its neighbours: the extra row sits beyond the page, on the side the cursor moves towards.
 * Every paged list (connections, sync targets) shares it, so their cursors behave alike.
 */
export function slicePage<T extends { id: string }>(rows: T[], limit: number, at: Cursor | null): KeysetPage<T> {
  const more = rows.length > limit;
  const page = more ? (at?.before ? rows.slice(1) : rows.slice(0, limit)) : rows;
  const first = page[0];
  const last = page[page.length - 1];
  // Moving forward, a row lies behind us whenever there was a cursor; moving back, ahead of us always.
  const hasNext = at?.before ? true : more;
  const hasPrev = at?.before ? more : Boolean(at?.after);
  return {
    rows: page,
    nextCursor: hasNext && last ? encodeCursor({ after: last.id }) : null,
    prevCursor: hasPrev && first ? encodeCursor({ before: first.id }) : null,
  };
}
