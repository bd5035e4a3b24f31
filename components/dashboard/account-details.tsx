import { z } from '@/components/zod';
import { REGION_NAMES } from './provider-copy';

/**
 * The accounts behind a connection, from its metadata. Parsed leniently: a field the provider did
 * not send is simply not shown.
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
  pages: z.array(z.object({ id: z.string(), name: text, instagramBusinessAccountId: text })).catch([]),
  adAccounts: z.array(z.object({ id: z.string(), name: text, currency: text })).catch([]),
});
const x = z.object({ name: text, username: text });

function List({ label, items }: { label: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-muted-foreground uppercase">{label}</dt>
      <dd>
        <ul className="mt-1 flex flex-col gap-0.5 text-sm">
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </dd>
    </div>
  );
}

export function AccountDetails({ provider, metadata }: { provider: string; metadata: Record<string, unknown> }) {
  const lists: { label: string; items: string[] }[] = [];
  if (provider === 'amazon-ads') {
    const { profiles } = amazon.parse(metadata);
    // In the order the connect panel offers the regions (jsonb stores keys sorted: eu, fe, na).
    const known = Object.keys(REGION_NAMES);
    const regions = [...known.filter((r) => Object.hasOwn(profiles, r)), ...Object.keys(profiles).filter((r) => !known.includes(r))];
    for (const region of regions) {
      const list = profiles[region] ?? [];
      const name = REGION_NAMES[region as keyof typeof REGION_NAMES] ?? region;
      lists.push({
        label: `Profiles · ${name}`,
        items: list.map((p) => `${p.accountInfo?.name ?? p.profileId} (${p.countryCode ?? '?'}, ${p.accountInfo?.type ?? 'profile'})`),
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
      items: pages.filter((p) => p.instagramBusinessAccountId).map((p) => `${p.instagramBusinessAccountId} (via ${p.name ?? p.id})`),
    });
    lists.push({ label: 'Ad accounts', items: adAccounts.map((a) => `${a.name ?? a.id} (${a.id})`) });
  } else if (provider === 'x') {
    const { name, username } = x.parse(metadata);
    if (username) lists.push({ label: 'Account', items: [`${name ?? ''} @${username}`.trim()] });
  }
  const shown = lists.filter((l) => l.items.length > 0);
  // Two columns only when there are two lists to put side by side; one list gets the full width.
  return (
    <dl className={shown.length > 1 ? 'grid gap-3 sm:grid-cols-2' : 'grid gap-3'}>
      {shown.map((l) => (
        <List key={l.label} {...l} />
      ))}
    </dl>
  );
}
