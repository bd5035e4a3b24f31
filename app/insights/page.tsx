import { redirect } from 'next/navigation';
import type { AccountChoice } from '@/components/insights/insights-filters';
import { platformName } from '@/components/insights/insights-format';
import { PLATFORMS, parseInsightsView, type Platform } from '@/components/insights/insights-query';
import { InsightsNoAccounts } from '@/components/insights/insights-states';
import { InsightsView } from '@/components/insights/insights-view';
import { getSessionUser } from '@/lib/auth/session';
import { asUser, getDb } from '@/lib/db';
import { listConnections } from '@/lib/db/connections';
import { getEnv } from '@/lib/env';
import { describeSyncStatus } from '@/lib/insights/status';
import { withRequestContext } from '@/lib/http/render-context';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Insights · Grantkeeper' };

const isPlatform = (p: string): p is Platform => (PLATFORMS as readonly string[]).includes(p);

/**
 * Campaign insights: the server finds the user's ad accounts (the filters' choices) and today;
 * the figures themselves come from the insights API in the browser (components/insights/).
 */
export default withRequestContext(async function InsightsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await getSessionUser();
  // The layout has redirected already; this narrows the type.
  if (!user) redirect('/signed-out');
  const db = await getDb();
  const [status, connections] = await Promise.all([
    describeSyncStatus(db, { userId: user.id }),
    asUser(db, user.id, (tx) => listConnections(tx, { userId: user.id })),
  ]);
  // Days are the accounts' calendar days; the presets end on today's UTC date, as the simulator's and most reports' do.
  const today = new Date().toISOString().slice(0, 10);
  const accounts: AccountChoice[] = status.targets
    .filter((t) => isPlatform(t.provider) && t.state !== 'disabled')
    .map((t) => ({
      provider: t.provider as Platform,
      accountId: t.accountId,
      name: t.accountName ?? t.accountId,
      label: `${t.accountName ?? t.accountId}${t.currency ? ` (${t.currency})` : ''} · ${platformName(t.provider)}`,
    }));

  return (
    <main className="mx-auto flex max-w-6xl min-w-0 flex-col gap-6 px-4 py-6 sm:px-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Insights</h1>
        <p className="text-sm text-muted-foreground">
          Daily campaign figures of every connected ad account, in each account’s own currency and days.
        </p>
      </div>
      {accounts.length === 0 ? (
        <InsightsNoAccounts hasConnections={connections.some((c) => c.status !== 'revoked')} />
      ) : (
        <InsightsView
          initialView={parseInsightsView(await searchParams, today)}
          today={today}
          accounts={accounts}
          lookbackDays={getEnv().insights.lookbackDays}
          syncing={status.targets.some((t) => t.state === 'syncing' || t.state === 'deferred')}
        />
      )}
    </main>
  );
});
