import 'server-only';
import type { Database } from '../db';
import type { TargetSourceConnection } from '../db/insights-targets';
import type { Env } from '../env';
import { getLogger } from '../log';
import { fetchConnectedAccount } from '../oauth/accounts';
import type { ProviderSlug, ResolvedProvider } from '../providers/types';
import { createTokenSession } from './access';
import type { AccountLister } from './targets';

/**
 * The daily "which ad accounts now?" call: the provider's accounts fetcher (the one connect uses),
 * with a token from the token API's path (a 401 refreshes once). Undefined when the provider could
 * not be asked or answered for another account: the stored targets then stay as they are.
 */
export function createAccountLister(deps: {
  db: Database;
  env: Env;
  origin: string;
  fetch?: typeof fetch;
  resolveProvider(slug: ProviderSlug): Promise<ResolvedProvider | null>;
}): AccountLister {
  return async (c: TargetSourceConnection) => {
    try {
      const provider = await deps.resolveProvider(c.provider as ProviderSlug);
      if (!provider) return undefined;
      const session = createTokenSession({ db: deps.db, env: deps.env, userId: c.user_id, connectionId: c.id, origin: deps.origin, fetch: deps.fetch });
      const account = await session.call((accessToken) => fetchConnectedAccount(provider, { tokenSet: { accessToken } }));
      // The same grant answering for someone else would be a provider bug; never move targets on it.
      if (account.externalAccountId !== c.external_account_id) return undefined;
      return account.metadata;
    } catch (err) {
      getLogger().warn({ err, connectionId: c.id, provider: c.provider }, 'insights: listing ad accounts failed; targets kept');
      return undefined;
    }
  };
}
