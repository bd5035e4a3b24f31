import 'server-only';
import { fetchAmazonAdsAccount } from '../providers/amazon-ads/accounts';
import { isLinkedInDefinition } from '../providers/linkedin/definition';
import { fetchLinkedInAccount } from '../providers/linkedin/accounts';
import { isMetaDefinition } from '../providers/meta/definition';
import { fetchMetaAccount } from '../providers/meta/accounts';
import { isOidcDefinition } from '../providers/oidc';
import { fetchOidcAccount } from '../providers/oidc-accounts';
import { fetchXAccount } from '../providers/x/accounts';
import type { ConnectedAccount, Region, ResolvedProvider, TokenSet } from '../providers/types';
import type { CallOptions } from './http';

/**
 * Who connected and what they reach, for the connections row. Identity is the one step that is
 * different for every provider, so each has its own small module; failures are ProviderErrors.
 */

export interface FetchAccountParams extends CallOptions {
  tokenSet: TokenSet;
  /** Unused today: Amazon asks all three regional hosts whatever region the consent used. */
  region?: Region;
}

export async function fetchConnectedAccount(p: ResolvedProvider, params: FetchAccountParams): Promise<ConnectedAccount> {
  const { definition } = p;
  const accessToken = params.tokenSet.accessToken;
  const options: CallOptions = { timeoutMs: params.timeoutMs };
  switch (definition.slug) {
    case 'amazon-ads':
      return fetchAmazonAdsAccount(p, accessToken, options);
    case 'x':
      return fetchXAccount(p, accessToken, options);
    case 'linkedin':
      if (!isLinkedInDefinition(definition)) break;
      return fetchLinkedInAccount({ ...p, definition }, accessToken, options);
    case 'meta':
      if (!isMetaDefinition(definition)) break;
      return fetchMetaAccount({ ...p, definition }, accessToken, options);
    case 'oidc':
      if (!isOidcDefinition(definition)) break;
      return fetchOidcAccount({ ...p, definition }, params.tokenSet, options);
  }
  throw new Error(`no identity call for provider definition ${definition.slug}: build it with the registry`);
}
