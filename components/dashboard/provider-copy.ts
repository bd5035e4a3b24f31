import type { ProviderSlug } from '@/lib/providers/types';

/** What a person reads about each provider on the dashboard. */
export const PROVIDER_COPY: Record<ProviderSlug, { name: string; what: string; disconnect: string }> = {
  'amazon-ads': {
    name: 'Amazon Ads',
    what: 'Advertising profiles in North America, Europe and the Far East.',
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
    what: 'Your X account, for the Ads API and analytics.',
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
