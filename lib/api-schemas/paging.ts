import 'server-only';
import { z } from 'zod';
import { isCursor } from '../connections/cursor';

/**
 * `?limit=&cursor=` of every keyset-paged list (the status API, sync status, the prototype's
 * accounts): one definition, so the lists page alike and the OpenAPI document says so once.
 */
export const PAGE_LIMIT = { default: 100, max: 500 } as const;

export const pageLimit = z.coerce.number().int().min(1).max(PAGE_LIMIT.max);

export const pageQuery = z.object({
  limit: pageLimit.default(PAGE_LIMIT.default).describe(`Items per page (${PAGE_LIMIT.default} unless asked, at most ${PAGE_LIMIT.max}).`),
  cursor: z
    .string()
    .max(64)
    .refine(isCursor, 'not a cursor this API gave out')
    .optional()
    .describe("The previous answer's `next_cursor` (or `prev_cursor`); none: the first page."),
});

export const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.');
export const prevCursor = z.string().nullable().describe('Pass as `cursor` for the page before; null on the first.');
