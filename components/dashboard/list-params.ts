/**
 * The dashboard's list in the URL, so a page is shareable and Next/Previous work without
 * JavaScript: `?cursor=` (opaque, from the status API), `?provider=`, `?status=`, `?removed=1`,
 * and `?connection=` (after a connect: open the page that holds this card).
 */
import { PROVIDER_SLUGS } from '@/lib/providers/types';

/** Cards per page: fills one, two or three columns evenly. */
export const DASHBOARD_PAGE_SIZE = 30;

export const LIST_STATUSES = ['active', 'needs_reauth', 'error', 'revoked'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export interface ListParams {
  cursor?: string;
  provider?: (typeof PROVIDER_SLUGS)[number];
  status?: ListStatus;
  /** List the connections the user removed from the list too. */
  removed?: boolean;
}

type Search = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined => (list as readonly string[]).includes(v ?? '') ? (v as T) : undefined;
const CURSOR = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the URL asks for; anything unknown is dropped rather than refused (a stale link still opens a page). */
export function parseListParams(search: Search): ListParams & { connection?: string } {
  const cursor = one(search.cursor);
  const connection = one(search.connection);
  const params: ListParams & { connection?: string } = {};
  if (cursor && CURSOR.test(cursor)) params.cursor = cursor;
  // The OAuth round trip comes back as `/?outcome=…&provider=…`: there `provider` names the
  // provider just connected (for the toast), not a filter that would hide the rest of the list.
  const provider = search.outcome === undefined ? oneOf(PROVIDER_SLUGS, one(search.provider)) : undefined;
  if (provider) params.provider = provider;
  const status = oneOf(LIST_STATUSES, one(search.status));
  if (status) params.status = status;
  if (one(search.removed) === '1') params.removed = true;
  if (connection && UUID.test(connection)) params.connection = connection;
  return params;
}

/** The dashboard URL of a list page; `hash` lands a no-JS reader on the list, not the top. */
export function listHref(p: ListParams, hash = ''): string {
  const q = new URLSearchParams();
  if (p.provider) q.set('provider', p.provider);
  if (p.status) q.set('status', p.status);
  if (p.removed) q.set('removed', '1');
  if (p.cursor) q.set('cursor', p.cursor);
  const s = q.toString();
  return `/${s ? `?${s}` : ''}${hash}`;
}

/** The status API's query for the same page (the dashboard polls it). */
export function statusApiQuery(p: ListParams): string {
  const q = new URLSearchParams({ limit: String(DASHBOARD_PAGE_SIZE), removed: p.removed ? 'include' : 'exclude' });
  if (p.provider) q.set('provider', p.provider);
  if (p.status) q.set('status', p.status);
  if (p.cursor) q.set('cursor', p.cursor);
  return q.toString();
}

export const isFiltered = (p: ListParams) => Boolean(p.provider || p.status);
