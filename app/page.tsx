import { redirect } from 'next/navigation';
import { DefaultsBanner } from '@/components/dashboard/defaults-banner';
import { SiteHeader } from '@/components/dashboard/site-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { getUser } from '@/lib/db/users';
import { getEnv } from '@/lib/env';
import { activeDefaults } from '@/lib/modes';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const user = await getSessionUser();
  if (!user) redirect('/sign-in');
  const row = await getUser(await getDb(), user.id);
  const label = row?.display_name ?? row?.email ?? user.id;

  return (
    <>
      <SiteHeader user={{ id: user.id, label, mode: user.mode }} />
      <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6">
        <h1 className="text-2xl font-semibold tracking-tight">Connections</h1>
        <DefaultsBanner defaults={activeDefaults(getEnv())} />
        <Card>
          <CardHeader>
            <CardTitle>No accounts connected yet</CardTitle>
            <CardDescription>
              Connected Amazon Ads, LinkedIn, X and Meta accounts appear here with their health and expiry.
            </CardDescription>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">
            Grantkeeper refreshes every grant before it expires and tells you when one needs you.
          </CardContent>
        </Card>
      </main>
    </>
  );
}
