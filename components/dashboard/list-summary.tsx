import Link from 'next/link';
import { cn } from '@/lib/cn';
import type { ConnectionOverview } from '@/lib/connections/page';
import { listHref, LIST_STATUSES, type ListParams, type ListStatus } from './list-params';
import { PROVIDER_COPY } from './provider-copy';

const STATUS_WORDS: Record<ListStatus, string> = { active: 'active', needs_reauth: 'need reconnecting', error: 'failing', revoked: 'revoked' };
const n = (v: number) => v.toLocaleString('en-US');

/**
 * The whole list in numbers, before a page of it: per status and per provider, each a link that
 * filters the list to it (a link again clears the filter). Counts come from the server, which
 * sees every connection, not from the page in hand.
 */
export function ListSummary({ overview, params }: { overview: ConnectionOverview; params: ListParams }) {
  const listed = overview.total - overview.removed;
  return (
    <div className="flex flex-col gap-2 rounded-xl border bg-card p-3 text-sm shadow-sm" data-testid="list-summary">
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <Filter href={listHref({ removed: params.removed }, '#connections-heading')} current={!params.status && !params.provider} testId="filter-all">
          <span data-testid="count-total">{n(listed)}</span> connection{listed === 1 ? '' : 's'}
        </Filter>
        {LIST_STATUSES.filter((s) => overview.byStatus[s] > 0).map((s) => (
          <Filter
            key={s}
            href={listHref({ ...params, status: params.status === s ? undefined : s, cursor: undefined }, '#connections-heading')}
            current={params.status === s}
            testId={`count-${s}`}
          >
            {n(overview.byStatus[s])} {STATUS_WORDS[s]}
          </Filter>
        ))}
      </p>
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-muted-foreground">
        <span>By provider:</span>
        {overview.byProvider.map(({ provider, count }) => {
          const slug = provider as keyof typeof PROVIDER_COPY;
          return (
            <Filter
              key={provider}
              href={listHref({ ...params, provider: params.provider === slug ? undefined : slug, cursor: undefined }, '#connections-heading')}
              current={params.provider === provider}
              testId={`count-provider-${provider}`}
            >
              {PROVIDER_COPY[slug]?.name ?? provider} {n(count)}
            </Filter>
          );
        })}
      </p>
    </div>
  );
}

function Filter({ href, current, testId, children }: { href: string; current: boolean; testId: string; children: React.ReactNode }) {
  return (
    <Link
      href={href}
      scroll={false}
      aria-current={current ? 'true' : undefined}
      data-testid={testId}
      className={cn('rounded-md px-1.5 py-0.5 underline-offset-4 hover:underline', current ? 'bg-primary text-primary-foreground' : 'text-primary')}
    >
      {children}
    </Link>
  );
}
