import { redirect } from 'next/navigation';
import { SiteHeader } from '@/components/dashboard/site-header';
import { getSessionUser } from '@/lib/auth/session';
import { getDb } from '@/lib/db';
import { getUser } from '@/lib/db/users';
import { withRequestContext } from '@/lib/http/render-context';

/**
 * The site header for a section layout, after checking the session. It runs in the layout, above
 * the section's loading.tsx, so a signed-out (or deleted) user gets a real 307 to /signed-out
 * before anything streams; a redirect from inside the page would arrive after the loading shell,
 * as a 200 with a client-side redirect.
 */
export const SignedInHeader = withRequestContext(async function SignedInHeader() {
  const user = await getSessionUser();
  if (!user) redirect('/signed-out');
  const row = await getUser(await getDb(), user.id);
  return <SiteHeader user={{ id: user.id, label: row?.display_name ?? row?.email ?? user.id, mode: user.mode }} />;
});
