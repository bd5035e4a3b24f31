import 'server-only';
import { z } from 'zod';
import { getJson, type CallOptions } from '../../oauth/http';
import { buildGraphRequest } from './graph';
import type { MetaDefinition } from './definition';
import type { ConnectedAccount, ResolvedProvider } from '../types';

/**
 * The Facebook user, the Pages they act on (with linked Instagram business accounts) and their
 * ad accounts [M8][M10b][M15b]. Page access tokens are never requested: metadata holds no secret,
 * and the schemas below would drop one anyway.
 */

const optionalText = z.string().optional().catch(undefined);

const Me = z.object({ id: z.string().min(1), name: optionalText });

const Page = z.object({
  id: z.string().min(1),
  name: optionalText,
  tasks: z.array(z.string()).optional().catch(undefined),
  instagram_business_account: z.object({ id: z.string(), username: optionalText }).optional().catch(undefined),
});

const AdAccount = z.object({
  id: z.string().min(1),
  account_id: optionalText,
  name: optionalText,
  currency: optionalText,
  account_status: z.coerce.number().int().optional().catch(undefined),
  timezone_name: optionalText,
});

const graphPage = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    paging: z.object({ cursors: z.object({ after: z.string() }).partial().optional(), next: z.string().optional() }).optional(),
  });

/**
 * Built once: a zod schema compiles itself on its first parse, so one made per call cost every
 * callback that compilation again (issue 12, callback p99).
 */
export const PagesPage = graphPage(Page);
export const AdAccountsPage = graphPage(AdAccount);

const MAX_PAGES = 10;

type MetaProvider = ResolvedProvider & { definition: MetaDefinition };

/** Follows cursor pagination (`after` while `next` exists), bounded; never fetches Meta's `next` URL verbatim. */
async function fetchAllPages<T extends z.ZodType>(
  p: MetaProvider,
  path: string,
  fields: string,
  pageSchema: ReturnType<typeof graphPage<T>>,
  accessToken: string,
  options: CallOptions,
): Promise<z.output<T>[]> {
  const items: z.output<T>[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params: Record<string, string> = { fields, limit: '100', ...(after ? { after } : {}) };
    const graph = buildGraphRequest(p, p.definition.graphUrl(path), accessToken, params);
    const body = await getJson(p, graph.url, pageSchema, { ...options, headers: graph.headers });
    items.push(...body.data);
    after = body.paging?.cursors?.after;
    if (!body.paging?.next || !after) break;
  }
  return items;
}

export async function fetchMetaAccount(p: MetaProvider, accessToken: string, options: CallOptions = {}): Promise<ConnectedAccount> {
  const me = buildGraphRequest(p, p.definition.graphUrl('me'), accessToken, { fields: 'id,name' });
  const [user, pages, adAccounts] = await Promise.all([
    getJson(p, me.url, Me, { ...options, headers: me.headers }),
    fetchAllPages(p, 'me/accounts', 'id,name,tasks,instagram_business_account{id,username}', PagesPage, accessToken, options),
    fetchAllPages(p, 'me/adaccounts', 'id,account_id,name,currency,account_status,timezone_name', AdAccountsPage, accessToken, options),
  ]);
  return {
    externalAccountId: user.id,
    displayName: user.name ?? user.id,
    metadata: {
      pages: pages.map((page) => ({
        id: page.id,
        name: page.name,
        tasks: page.tasks,
        instagramBusinessAccountId: page.instagram_business_account?.id,
        // The id alone is a bare number to a person; the username is what they recognise [M8].
        instagramUsername: page.instagram_business_account?.username,
      })),
      instagramBusinessAccountIds: pages.flatMap((page) => (page.instagram_business_account ? [page.instagram_business_account.id] : [])),
      adAccounts: adAccounts.map((account) => ({
        id: account.id,
        accountId: account.account_id,
        name: account.name,
        currency: account.currency,
        accountStatus: account.account_status,
        timezoneName: account.timezone_name,
      })),
    },
  };
}
