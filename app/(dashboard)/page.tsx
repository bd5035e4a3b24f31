import { Plus } from 'lucide-react';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { ClockProvider } from '@/components/dashboard/clock';
import { ConnectPanel } from '@/components/dashboard/connect-panel';
import { ConnectionList } from '@/components/dashboard/connection-list';
import { DefaultsBanner } from '@/components/dashboard/defaults-banner';
import { HealthPanel } from '@/components/dashboard/health-panel';
import { Hydrate, type HydratedQuery } from '@/components/dashboard/hydrate';
import { OutcomeToast } from '@/components/dashboard/outcome-toast';
import { DASHBOARD_PAGE_SIZE, listHref, parseListParams, type ListParams } from '@/components/dashboard/list-params';
import { connectionPageKey, HEALTH_QUERY_KEY, OVERVIEW_QUERY_KEY } from '@/components/dashboard/queries';
import { SectionErrorBoundary } from '@/components/dashboard/section-error-boundary';
import { SiteHeader } from '@/components/dashboard/site-header';
import { SyncHealthCard, SyncHealthSkeleton } from '@/components/dashboard/sync-health-card';
import { syncStatusKey } from '@/components/dashboard/sync-queries';
import { InsightsSyncProvider } from '@/components/dashboard/use-sync-status';
import { ConnectionsSkeleton, HealthSkeleton } from '@/components/dashboard/skeletons';
import { Button } from '@/components/ui/button';
import { getSessionUser } from '@/lib/auth/session';
import { openListPage, readConnectionOverview, type ConnectionOverview, type ConnectionPage } from '@/lib/connections/page';
import { getDb } from '@/lib/db';
import { getUser } from '@/lib/db/users';
import { getEnv } from '@/lib/env';
import { checkHealth } from '@/lib/health';
import { describeCardsSyncStatus } from '@/lib/insights/status';
import { activeDefaults, exposureWarning } from '@/lib/modes';
import { listProviderStatus } from '@/lib/providers/registry';
import { withRequestContext } from '@/lib/http/render-context';

export const dynamic = 'force-dynamic';

type Search = Record<string, string | string[] | undefined>;

export default withRequestContext(async function DashboardPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { connection, ...asked } = parseListParams(await searchParams);
  const user = await getSessionUser();
  if (!user) redirect('/signed-out');
  const env = getEnv();
  const db = await getDb();
  // A Server Component renders once per request: this is the moment it did (see ClockProvider).
  const renderedAt = Date.now();
  // Read once, awaited by the sections below (each in its own boundary); marked handled here so a
  // failure is reported by the sections, not as an unhandled rejection. The summary counts every
  // connection; the list reads one page of them (the URL's, or the one holding a new connection).
  const overview = readConnectionOverview(db, user.id);
  overview.catch(() => {});
  const page = openListPage(db, user.id, {
    limit: DASHBOARD_PAGE_SIZE,
    cursor: asked.cursor,
    connection,
    provider: asked.provider,
    status: asked.status,
    listedOnly: !asked.removed,
  });
  page.catch(() => {});
  const list = page.then((p): ListParams => ({ ...asked, cursor: p.cursor ?? undefined }));
  list.catch(() => {});
  // The sync status, likewise read once: the sync card and every card's sync line hydrate it in
  // their own boundary, so neither depends on the other boundary having hydrated first (a card
  // rendered from the server's cache while the browser's was still empty failed hydration). It is
  // the targets of this page's connections only, plus the summary counts: bounded by the page.
  const syncStatus: Promise<PageSync | null> = env.insights.enabled
    ? page.then(async (p) => {
        const ids = p.connections.map((c) => c.id);
        return { ids, data: await describeCardsSyncStatus(db, { userId: user.id, connectionIds: ids }) };
      })
    : Promise.resolve(null);
  syncStatus.catch(() => {});
  const row = await getUser(db, user.id);
  const label = row?.display_name ?? row?.email ?? user.id;

  return (
    <ClockProvider renderedAt={renderedAt}>
      <SiteHeader user={{ id: user.id, label, mode: user.mode }} />
      <Suspense>
        <OutcomeSection list={list} />
      </Suspense>
      <main className="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-6 sm:px-6">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Connections</h1>
          {/* On a phone the providers sit far below the banner and health: one tap jumps there. */}
          <Button asChild size="sm">
            <a href="#connect" data-testid="connect-jump">
              <Plus aria-hidden="true" /> Connect an account
            </a>
          </Button>
        </div>
        <DefaultsBanner defaults={activeDefaults(env)} exposure={exposureWarning(env)} />
        <SectionErrorBoundary title="Refresh health">
          <Suspense fallback={<HealthSkeleton />}>
            <HealthSection overview={overview} readAt={renderedAt} />
          </Suspense>
        </SectionErrorBoundary>
        <SectionErrorBoundary title="Campaign sync">
          <Suspense fallback={<SyncHealthSkeleton />}>
            <SyncSection status={syncStatus} enabled={env.insights.enabled} readAt={renderedAt} />
          </Suspense>
        </SectionErrorBoundary>
        <ConnectPanel providers={listProviderStatus(env)} />
        <section aria-labelledby="connections-heading" className="flex flex-col gap-3">
          <h2 id="connections-heading" className="text-lg font-semibold">
            Your connections
          </h2>
          <SectionErrorBoundary title="Your connections">
            <Suspense fallback={<ConnectionsSkeleton />}>
              <ConnectionsSection page={page} list={list} overview={overview} syncStatus={syncStatus} readAt={renderedAt} />
            </Suspense>
          </SectionErrorBoundary>
        </section>
      </main>
    </ClockProvider>
  );
});

interface SectionProps {
  overview: Promise<ConnectionOverview>;
  /** One timestamp for the connections wherever they are hydrated, so every section agrees. */
  readAt: number;
}

/** The sync status of the page's cards, and which connections they are (its query key). */
interface PageSync {
  ids: string[];
  data: Awaited<ReturnType<typeof describeCardsSyncStatus>>;
}

/** The toast of an OAuth round trip; tidying its URL keeps the page that holds the new card. */
const OutcomeSection = withRequestContext(async function OutcomeSection({ list }: { list: Promise<ListParams> }) {
  const params = await list.catch(() => ({}));
  return <OutcomeToast tidyHref={listHref(params)} />;
});

const ConnectionsSection = withRequestContext(async function ConnectionsSection({
  page: pagePromise,
  list,
  overview: overviewPromise,
  syncStatus,
  readAt,
}: SectionProps & { page: Promise<ConnectionPage>; list: Promise<ListParams>; syncStatus: Promise<PageSync | null> }) {
  // A failed summary or sync-status read leaves them to load themselves; the page still shows.
  const [page, params, overview, status] = await Promise.all([pagePromise, list, overviewPromise.catch(() => null), syncStatus.catch(() => null)]);
  const queries: HydratedQuery[] = [{ key: connectionPageKey(params), data: page, updatedAt: readAt }];
  if (overview) queries.push({ key: OVERVIEW_QUERY_KEY, data: overview, updatedAt: readAt });
  if (status) queries.push({ key: syncStatusKey(status.ids), data: status.data, updatedAt: readAt });
  return (
    <Hydrate queries={queries}>
      <InsightsSyncProvider enabled={getEnv().insights.enabled} connectionIds={page.connections.map((c) => c.id)}>
        <ConnectionList params={params} />
      </InsightsSyncProvider>
    </Hydrate>
  );
});

const HealthSection = withRequestContext(async function HealthSection({ overview, readAt }: SectionProps) {
  // The summary reports its own failure in the list's section; health still shows without it.
  const [health, data] = await Promise.all([checkHealth(), overview.catch(() => null)]);
  const queries: HydratedQuery[] = [{ key: HEALTH_QUERY_KEY, data: health, updatedAt: readAt }];
  if (data) queries.push({ key: OVERVIEW_QUERY_KEY, data, updatedAt: readAt });
  return (
    <Hydrate queries={queries}>
      <HealthPanel />
    </Hydrate>
  );
});

/** The sync status read with the page, so the card and every connection's sync line start from it. */
const SyncSection = withRequestContext(async function SyncSection({ status: statusPromise, enabled, readAt }: { status: Promise<PageSync | null>; enabled: boolean; readAt: number }) {
  const status = await statusPromise;
  return (
    <Hydrate queries={status ? [{ key: syncStatusKey(status.ids), data: status.data, updatedAt: readAt }] : []}>
      <InsightsSyncProvider enabled={enabled} connectionIds={status?.ids ?? []}>
        <SyncHealthCard />
      </InsightsSyncProvider>
    </Hydrate>
  );
});
