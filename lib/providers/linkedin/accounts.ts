import 'server-only';
import { z } from 'zod';
import { getJson, type CallOptions } from '../../oauth/http';
import { LINKEDIN_REST_URL, LINKEDIN_USERINFO_URL, type LinkedInDefinition } from './definition';
import type { ConnectedAccount, ResolvedProvider } from '../types';

/**
 * The member (OIDC userinfo [LI5]) and the ad accounts they hold a role on: adAccountUsers gives
 * the roles, the ACTIVE search gives the accounts [LI7][LI8].
 */

const optionalText = z.string().optional().catch(undefined);

const UserInfo = z.object({
  sub: z.string().min(1),
  name: optionalText,
  given_name: optionalText,
  family_name: optionalText,
  email: optionalText,
});

const AdAccountUsers = z.object({
  elements: z.array(z.object({ account: z.string(), role: optionalText })),
});

const AdAccounts = z.object({
  elements: z.array(
    z.object({
      id: z.union([z.number().int(), z.string().min(1)]).transform(String),
      name: optionalText,
      currency: optionalText,
      status: optionalText,
    }),
  ),
});

// Rest.li 2.0 syntax: the parentheses, colons and commas stay unencoded [LI10].
const ACTIVE_AD_ACCOUNTS = `${LINKEDIN_REST_URL}/adAccounts?q=search&search=(status:(values:List(ACTIVE)))`;
const AD_ACCOUNT_USERS = `${LINKEDIN_REST_URL}/adAccountUsers?q=authenticatedUser`;

export async function fetchLinkedInAccount(
  p: ResolvedProvider & { definition: LinkedInDefinition },
  accessToken: string,
  options: CallOptions = {},
): Promise<ConnectedAccount> {
  const call = { ...options, accessToken };
  // `LinkedIn-Version` is mandatory on /rest (no default) [LI7].
  const rest = {
    ...call,
    headers: { 'LinkedIn-Version': p.definition.apiVersion, 'X-Restli-Protocol-Version': '2.0.0' },
  };
  const [user, users, accounts] = await Promise.all([
    getJson(p, LINKEDIN_USERINFO_URL, UserInfo, call),
    getJson(p, AD_ACCOUNT_USERS, AdAccountUsers, rest),
    getJson(p, ACTIVE_AD_ACCOUNTS, AdAccounts, rest),
  ]);
  // split() always yields at least one part, so pop() has a value.
  const roles = new Map(users.elements.map((u) => [u.account.split(':').pop()!, u.role]));
  const fullName = [user.given_name, user.family_name].filter(Boolean).join(' ');
  return {
    externalAccountId: user.sub,
    displayName: user.name ?? (fullName || user.email || user.sub),
    metadata: {
      adAccounts: accounts.elements.map((a) => ({
        id: a.id,
        name: a.name,
        currency: a.currency,
        status: a.status,
        role: roles.get(a.id),
      })),
    },
  };
}
