import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { ConnectPanel } from '@/components/dashboard/connect-panel';
import { ConnectionCard } from '@/components/dashboard/connection-card';
import { DefaultsBanner } from '@/components/dashboard/defaults-banner';
import { OutcomeToast } from '@/components/dashboard/outcome-toast';
import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';
import { SiteHeader } from '@/components/dashboard/site-header';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/auth/session';
import { listConnectionStatus, type ConnectionStatusView } from '@/lib/connections/status';
import { getDb } from '@/lib/db';
import { getUser } from '@/lib/db/users';
import { getEnv } from '@/lib/env';
import { activeDefaults } from '@/lib/modes';
import { listProviderStatus } from '@/lib/providers/registry';
import { PROVIDER_SLUGS } from '@/lib/providers/types';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const user = await getSessionUser();
  if (!user) redirect('/signed-out');
  const env = getEnv();
  const db = await getDb();
  const [row, connections] = await Promise.all([getUser(db, user.id), listConnectionStatus(db, user.id)]);
  const label = row?.display_name ?? row?.email ?? user.id;
  const now = new Date();
  const groups = PROVIDER_SLUGS.map((slug) => ({
    slug,
    items: connections.filter((c) => c.provider === slug),
  })).filter((g) => g.items.length > 0);

  return (
    <>
      <SiteHeader user={{ id: user.id, label, mode: user.mode }} />
      <Suspense>
        <OutcomeToast />
      </Suspense>
      <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6">
        <h1 className="text-2xl font-semibold tracking-tight">Connections</h1>
        <DefaultsBanner defaults={activeDefaults(env)} />
        <ConnectPanel providers={listProviderStatus(env)} />
        <section aria-labelledby="connections-heading" className="flex flex-col gap-4">
          <h2 id="connections-heading" className="text-lg font-semibold">
            Your connections
          </h2>
          {groups.length === 0 ? (
            <Card data-testid="no-connections">
              <CardHeader>
                <CardTitle>No accounts connected yet</CardTitle>
                <CardDescription>
                  Pick a provider above. Grantkeeper refreshes every grant before it expires and tells you when one
                  needs you.
                </CardDescription>
              </CardHeader>
            </Card>
          ) : (
            groups.map((g) => <ProviderGroup key={g.slug} slug={g.slug} items={g.items} now={now} />)
          )}
        </section>
      </main>
    </>
  );
}

function ProviderGroup({ slug, items, now }: { slug: string; items: ConnectionStatusView[]; now: Date }) {
  const name = PROVIDER_COPY[slug as keyof typeof PROVIDER_COPY]?.name ?? slug;
  return (
    <div className="flex flex-col gap-2" data-testid={`group-${slug}`}>
      <h3 className="text-sm font-medium text-muted-foreground">
        {name} · {items.length}
      </h3>
      <div className="grid gap-3 lg:grid-cols-2">
        {items.map((c) => (
          <ConnectionCard key={c.id} connection={c} now={now} />
        ))}
      </div>
    </div>
  );
}
