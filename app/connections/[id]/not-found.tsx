import { SearchX } from 'lucide-react';
import Link from 'next/link';
import { SiteHeader } from '@/components/dashboard/site-header';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { getUser } from '@/lib/db/users';

/** Unknown ids and other people's connections land here alike: nothing says which it was. */
export default async function ConnectionNotFound() {
  // The page only 404s for a signed-in user (signed-out ones were redirected), so the header is theirs.
  const user = await getSessionUser();
  const row = user ? await getUser(await getDb(), user.id) : undefined;
  return (
    <>
      {user && <SiteHeader user={{ id: user.id, label: row?.display_name ?? row?.email ?? user.id, mode: user.mode }} />}
      <main className="mx-auto flex min-h-[60dvh] max-w-lg items-center px-4">
        <Card className="w-full" data-testid="connection-not-found">
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <SearchX className="size-5 text-muted-foreground" aria-hidden="true" />
              <h1>No such connection</h1>
            </CardTitle>
            <CardDescription>
              There is no connection at this address among yours. The link may be mistyped, or it belongs to another
              account.
            </CardDescription>
          </CardHeader>
          <CardFooter>
            <Button asChild>
              <Link href="/">Back to the dashboard</Link>
            </Button>
          </CardFooter>
        </Card>
      </main>
    </>
  );
}
