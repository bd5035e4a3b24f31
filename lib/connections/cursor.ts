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
