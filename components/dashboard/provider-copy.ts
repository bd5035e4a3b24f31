import type { ProviderSlug } from '@/lib/providers/types';

/** What a person reads about each provider on the dashboard. */
export const PROVIDER_COPY: Record<ProviderSlug, { name: string; what: string; disconnect: string }> = {
  'amazon-ads': {
    name: 'Amazon Ads',
    what: 'Advertising profiles in North America, Europe and the Far East: one connection per Amazon account, whichever region you sign in through.',
    disconnect:
      'Amazon has no API to revoke a grant: after disconnecting, remove Grantkeeper at amazon.com/ap/adam as well.',
  },
  linkedin: {
    name: 'LinkedIn',
    what: 'Campaign Manager ad accounts you have a role on.',
    disconnect: 'LinkedIn is asked to revoke the token.',
  },
  x: {
    name: 'X',
    what: 'Your X account and its organic post metrics; X Ads figures need a separate ads consent that Grantkeeper does not ask for yet.',
    disconnect: 'X revokes the grant: its tokens stop working at once.',
  },
  meta: {
    name: 'Meta',
    what: 'Facebook Pages, Instagram business accounts and ad accounts.',
    disconnect: 'Meta removes Grantkeeper’s permissions from your account.',
  },
  oidc: {
    name: 'OpenID Connect',
    what: 'A provider configured by environment.',
    disconnect: 'The provider is asked to revoke the token where it supports revocation.',
  },
};

export const REGION_NAMES = { na: 'North America', eu: 'Europe', fe: 'Far East' } as const;

/** Amazon's sign-in page per region (providers.md §1): what the region picker actually chooses. */
export const REGION_CONSENT_HOSTS = { na: 'amazon.com', eu: 'eu.account.amazon.com', fe: 'apac.account.amazon.com' } as const;

/** The region picker's words: it picks where to sign in, not a separate connection. */
export const AMAZON_REGION_PICKER = {
  label: 'Where your advertising account lives',
  hint: 'Picks the Amazon sign-in page. The same Amazon account is one connection, listing its profiles in every region.',
  option: (region: keyof typeof REGION_NAMES) => `${REGION_NAMES[region]} (${REGION_CONSENT_HOSTS[region]})`,
} as const;
