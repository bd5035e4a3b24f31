import type { Metadata } from 'next';
import { ArrowLeft } from 'lucide-react';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { Suspense } from 'react';
import { z } from 'zod';
import { AccountDetails } from '@/components/dashboard/account-details';
import { ClockProvider } from '@/components/dashboard/clock';
import { connectionName } from '@/components/dashboard/connection-copy';
import { ConnectionEvents } from '@/components/dashboard/connection-events';
import { ConnectionId } from '@/components/dashboard/connection-id';
import { ConnectionOverview } from '@/components/dashboard/connection-overview';
import { Hydrate } from '@/components/dashboard/hydrate';
import { OutcomeToast } from '@/components/dashboard/outcome-toast';
import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';
import { connectionQueryKey } from '@/components/dashboard/queries';
import { RefreshHistory } from '@/components/dashboard/refresh-history';
import { SectionErrorBoundary } from '@/components/dashboard/section-error-boundary';
import { SiteHeader } from '@/components/dashboard/site-header';
import { SyncHistory } from '@/components/dashboard/sync-history';
import { hasCampaignSync } from '@/components/dashboard/sync-queries';
import { EventListSkeleton } from '@/components/dashboard/skeletons';
import { getSessionUser } from '@/lib/auth/session';
import { getConnectionEvents, getConnectionForUser, getRefreshHistory, type EventPage } from '@/lib/connections/detail';
import { getDb, type Database } from '@/lib/db';
import { getUser } from '@/lib/db/users';
import { getEnv } from '@/lib/env';
import { serverOrigin } from '@/lib/http/server-origin';
import { listSyncHistory } from '@/lib/insights/status';
import { withRequestContext } from '@/lib/http/render-context';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Connection · Grantkeeper' };

const cursor = z.string().regex(/^\d{1,19}$/).optional().catch(undefined);
const pageQuery = z.object({
  before: cursor,
  after: cursor,
  refreshes: z.literal('1').optional().catch(undefined),
  runs: z.uuid().optional().catch(undefined),
});

/** One connection: accounts, scopes, expiries, refresh history and its audit events. */
export default withRequestContext(async function ConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await getSessionUser();
  if (!user) redirect('/signed-out');
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const page = pageQuery.parse(await searchParams);

  const db = await getDb();
  // A Server Component renders once per request: this is the moment it did (see ClockProvider).
  const renderedAt = Date.now();
  // Awaited before anything streams, so an unknown id is a real 404.
  const [connection, row, origin] = await Promise.all([
    getConnectionForUser(db, { userId: user.id, connectionId: id.data }),
    getUser(db, user.id),
    serverOrigin(getEnv()),
  ]);
  // Someone else's connection and no connection look the same: RLS and the user filter see neither.
  if (!connection) notFound();
  const c = connection;
  const scope = { db, userId: user.id, connectionId: c.id };

  return (
    <ClockProvider renderedAt={renderedAt}>
      <SiteHeader user={{ id: user.id, label: row?.display_name ?? row?.email ?? user.id, mode: user.mode }} />
      <Suspense>
        <OutcomeToast />
      </Suspense>
      <main className="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-6 sm:px-6">
        <Link href="/" className="inline-flex w-fit items-center gap-1 rounded-md text-sm font-medium text-primary underline-offset-4 hover:underline">
          <ArrowLeft className="size-4" aria-hidden="true" /> All connections
        </Link>
        <Hydrate queries={[{ key: connectionQueryKey(c.id), data: c, updatedAt: renderedAt }]}>
          <ConnectionOverview initial={c} />
        </Hydrate>
        <ConnectionId id={c.id} label={`${connectionName(c)} (${providerName(c.provider)})`} origin={origin} />
        <div className="grid gap-6 lg:grid-cols-2">
          <section aria-labelledby="accounts-heading" className="flex min-w-0 flex-col gap-3">
            <h2 id="accounts-heading" className="text-lg font-semibold">
              Accounts
            </h2>
            <div className="rounded-xl border bg-card p-4 text-sm" data-testid="connection-accounts">
              <p className="mb-3 text-muted-foreground">
                Account id <span className="font-mono break-all text-foreground">{c.account.id}</span>, connected{' '}
                {c.createdAt.slice(0, 10)}.
              </p>
              <AccountDetails provider={c.provider} metadata={c.metadata} />
            </div>
          </section>
          <section aria-labelledby="scopes-heading" className="flex min-w-0 flex-col gap-3">
            <h2 id="scopes-heading" className="text-lg font-semibold">
              Scopes
            </h2>
            <div className="rounded-xl border bg-card p-4 text-sm" data-testid="connection-scopes">
              {c.scopes.length === 0 ? (
                <p className="text-muted-foreground">The provider did not say which scopes it granted.</p>
              ) : (
                <ul className="flex flex-wrap gap-2">
                  {c.scopes.map((s) => (
                    <li key={s} className="rounded-md bg-secondary px-2 py-0.5 font-mono text-xs break-all text-secondary-foreground">
                      {s}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </section>
        </div>
        <SectionErrorBoundary title="Refresh history">
          <Suspense fallback={<EventListSkeleton label="Loading refresh history" />}>
            <RefreshHistorySection {...scope} />
          </Suspense>
        </SectionErrorBoundary>
        {hasCampaignSync(c.provider) && (
          <SectionErrorBoundary title="Campaign sync history">
            <Suspense fallback={<EventListSkeleton label="Loading campaign sync history" rows={3} />}>
              <SyncHistorySection {...scope} provider={c.provider} after={page.runs} />
            </Suspense>
          </SectionErrorBoundary>
        )}
        <SectionErrorBoundary title="Audit events">
          <Suspense fallback={<EventListSkeleton label="Loading audit events" rows={8} />}>
            <EventsSection
              {...scope}
              page={{ ...(page.after ? { after: page.after } : { before: page.before }), withRefreshes: page.refreshes === '1' }}
            />
          </Suspense>
        </SectionErrorBoundary>
      </main>
    </ClockProvider>
  );
});

interface SectionProps {
  db: Database;
  userId: string;
  connectionId: string;
}

const RefreshHistorySection = withRequestContext(async function RefreshHistorySection(props: SectionProps) {
  return <RefreshHistory refresh={await getRefreshHistory(props.db, props)} />;
});

/** Ten runs a page; `after` is the last run of the page before. */
const SyncHistorySection = withRequestContext(async function SyncHistorySection(props: SectionProps & { provider: string; after?: string }) {
  const history = getEnv().insights.enabled
    ? await listSyncHistory(props.db, { userId: props.userId, connectionId: props.connectionId, limit: 10, after: props.after })
    : null;
  return <SyncHistory connectionId={props.connectionId} provider={props.provider} history={history} paged={Boolean(props.after)} />;
});

const EventsSection = withRequestContext(async function EventsSection(props: SectionProps & { page: EventPage }) {
  const events = await getConnectionEvents(props.db, props);
  return <ConnectionEvents connectionId={props.connectionId} events={events} withRefreshes={Boolean(props.page.withRefreshes)} />;
});

const providerName = (slug: string) => PROVIDER_COPY[slug as keyof typeof PROVIDER_COPY]?.name ?? slug;
