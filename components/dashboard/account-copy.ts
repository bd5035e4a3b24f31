import { z } from '@/components/zod';
import { REGION_NAMES } from './provider-copy';

/**
 * The accounts behind a connection, in words, from its metadata. Parsed leniently: a field the
 * provider did not send is simply not shown. Pure, so each label can be tested.
 */

const text = z.string().optional().catch(undefined);
const amazon = z.object({
  profiles: z
    .record(
      z.string(),
      z.array(z.object({ profileId: z.string(), countryCode: text, accountInfo: z.object({ name: text, type: text }).optional() })),
    )
    .catch({}),
});
const linkedin = z.object({
  adAccounts: z.array(z.object({ id: z.union([z.number(), z.string()]), name: text, currency: text, role: text })).catch([]),
});
const meta = z.object({
  pages: z.array(z.object({ id: z.string(), name: text, instagramBusinessAccountId: text, instagramUsername: text })).catch([]),
  adAccounts: z.array(z.object({ id: z.string(), name: text, currency: text })).catch([]),
});
const x = z.object({ name: text, username: text });

export interface AccountList {
  label: string;
  items: string[];
}

/** Region codes in the order the connect panel offers them (jsonb stores keys sorted: eu, fe, na). */
export function orderedRegions(keys: string[]): string[] {
  const known = Object.keys(REGION_NAMES);
  return [...known.filter((r) => keys.includes(r)), ...keys.filter((r) => !known.includes(r))];
}

export function regionName(region: string): string {
  return REGION_NAMES[region as keyof typeof REGION_NAMES] ?? region;
}

/** The non-empty lists to show for a connection. */
export function accountLists(provider: string, metadata: Record<string, unknown>): AccountList[] {
  const lists: AccountList[] = [];
  if (provider === 'amazon-ads') {
    // One Login with Amazon account reaches profiles in every region: grouped by region.
    const { profiles } = amazon.parse(metadata);
    for (const region of orderedRegions(Object.keys(profiles))) {
      lists.push({
        label: `Profiles · ${regionName(region)}`,
        items: (profiles[region] ?? []).map(
          (p) => `${p.accountInfo?.name ?? p.profileId} (${p.countryCode ?? '?'}, ${p.accountInfo?.type ?? 'profile'})`,
        ),
      });
    }
    if (lists.every((l) => l.items.length === 0)) lists.push({ label: 'Profiles', items: ['No advertising profiles yet'] });
  } else if (provider === 'linkedin') {
    const { adAccounts } = linkedin.parse(metadata);
    lists.push({ label: 'Ad accounts', items: adAccounts.map((a) => `${a.name ?? a.id}${a.role ? ` · ${a.role.toLowerCase().replace(/_/g, ' ')}` : ''}`) });
  } else if (provider === 'meta') {
    const { pages, adAccounts } = meta.parse(metadata);
    lists.push({ label: 'Pages', items: pages.map((p) => p.name ?? p.id) });
    lists.push({
      label: 'Instagram business accounts',
      items: pages
        .filter((p) => p.instagramBusinessAccountId)
        // A username when Meta sent one (connections made before it was asked show the id).
        .map((p) => `${p.instagramUsername ? `@${p.instagramUsername}` : `id ${p.instagramBusinessAccountId}`} (via ${p.name ?? p.id})`),
    });
    lists.push({ label: 'Ad accounts', items: adAccounts.map((a) => `${a.name ?? a.id} (${a.id})`) });
  } else if (provider === 'x') {
    const { name, username } = x.parse(metadata);
    if (username) lists.push({ label: 'Account', items: [`${name ?? ''} @${username}`.trim()] });
  }
  return lists.filter((l) => l.items.length > 0);
}
