import { redirect } from 'next/navigation';
import type { AccountChoice } from '@/components/insights/insights-filters';
import { platformName } from '@/components/insights/insights-format';
import { INSIGHTS_ACCOUNT_CHOICES, MAX_RANGE_DAYS, PLATFORMS, parseInsightsView, type Platform } from '@/components/insights/insights-query';
import { InsightsNoAccounts } from '@/components/insights/insights-states';
import { InsightsView } from '@/components/insights/insights-view';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { readInsightsFilterChoices } from '@/lib/insights/filter-choices';
import { withRequestContext } from '@/lib/http/render-context';

const DAY_MS = 86_400_000;

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
  // Days are the accounts' calendar days; the presets end on today's UTC date, as the simulator's and most reports' do.
  const today = new Date().toISOString().slice(0, 10);
  // The filters' choices, bounded: the platforms synced, and the accounts with figures in the longest range the page asks for.
  const since = new Date(Date.parse(today) - MAX_RANGE_DAYS * DAY_MS).toISOString().slice(0, 10);
  const choices = await readInsightsFilterChoices(db, { userId: user.id, since, limit: INSIGHTS_ACCOUNT_CHOICES });
  const platforms = PLATFORMS.filter((p) => choices.providers.includes(p));
  const accounts: AccountChoice[] = choices.accounts
    .filter((a) => isPlatform(a.provider))
    .map((a) => ({
      provider: a.provider as Platform,
      accountId: a.account_id,
      name: a.account_name ?? a.account_id,
      label: `${a.account_name ?? a.account_id}${a.currency ? ` (${a.currency})` : ''} · ${platformName(a.provider)}`,
    }));

  return (
    <main className="mx-auto flex max-w-6xl min-w-0 flex-col gap-6 px-4 py-6 sm:px-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Insights</h1>
        <p className="text-sm text-muted-foreground">
          Daily campaign figures of every connected ad account, in each account’s own currency and days.
        </p>
      </div>
      {platforms.length === 0 ? (
        <InsightsNoAccounts hasConnections={choices.hasConnections} />
      ) : (
        <InsightsView
          initialView={parseInsightsView(await searchParams, today)}
          today={today}
          platforms={platforms}
          accounts={accounts}
          moreAccounts={choices.moreAccounts}
          lookbackDays={getEnv().insights.lookbackDays}
          syncing={choices.syncing}
        />
      )}
    </main>
  );
});
