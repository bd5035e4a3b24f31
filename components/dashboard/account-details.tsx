import { accountLists } from './account-copy';

/** The accounts behind a connection (words in account-copy.ts). */

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
  const shown = accountLists(provider, metadata);
  // Two columns only when there are two lists to put side by side; one list gets the full width.
  return (
    <dl className={shown.length > 1 ? 'grid gap-3 sm:grid-cols-2' : 'grid gap-3'}>
      {shown.map((l) => (
        <List key={l.label} {...l} />
      ))}
    </dl>
  );
}
