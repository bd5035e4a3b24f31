import { SiteHeader } from '@/components/dashboard/site-header';
import { NotFoundCard } from '@/components/not-found-card';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { getUser } from '@/lib/db/users';
import { withRequestContext } from '@/lib/http/render-context';

/** Unknown ids and other people's connections land here alike: nothing says which it was. */
export default withRequestContext(async function ConnectionNotFound() {
  // The page only 404s for a signed-in user (signed-out ones were redirected), so the header is theirs.
  const user = await getSessionUser();
  const row = user ? await getUser(await getDb(), user.id) : undefined;
  return (
    <>
      {user && <SiteHeader user={{ id: user.id, label: row?.display_name ?? row?.email ?? user.id, mode: user.mode }} />}
      <NotFoundCard testId="connection-not-found" title="No such connection">
        There is no connection at this address among yours. The link may be mistyped, or it belongs to another account.
      </NotFoundCard>
    </>
  );
});
