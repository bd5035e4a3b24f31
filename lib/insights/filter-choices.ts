import 'server-only';
import { asUser, type Database } from '../db';
import { listAccountsWithData, listSyncedProviders, readInsightsFlags, type AccountChoiceRow } from '../db/filter-choices';

export interface InsightsFilterChoices {
  /** Platforms with synced ad accounts: the platform filter, and whether there is anything to show at all. */
  providers: string[];
  /** Accounts with figures since `since`, at most `limit`. */
  accounts: AccountChoiceRow[];
  /** More accounts have figures than are listed. */
  moreAccounts: boolean;
  hasConnections: boolean;
  syncing: boolean;
}

/**
 * What /insights needs to draw its filters, in four small statements whatever the number of
 * connections: never the connection list nor every target's status.
 */
export async function readInsightsFilterChoices(db: Database, params: { userId: string; since: string; limit: number }): Promise<InsightsFilterChoices> {
  const { userId } = params;
  return asUser(db, userId, async (tx) => {
    const providers = await listSyncedProviders(tx, { userId });
    const accounts = await listAccountsWithData(tx, { userId, since: params.since, limit: params.limit });
    const flags = await readInsightsFlags(tx, { userId });
    return { providers, accounts: accounts.rows, moreAccounts: accounts.more, hasConnections: flags.has_connections, syncing: flags.syncing };
  });
}
