import { redirect } from 'next/navigation';
import { getSessionUser } from '@/lib/auth/session';
import { withRequestContext } from '@/lib/http/render-context';

/**
 * The sign-in check sits here, above loading.tsx: a layout finishes before the page streams, so a
 * user who is gone gets a real redirect (307), not a 200 that redirects in the browser.
 */
export default withRequestContext(async function DashboardLayout({ children }: { children: React.ReactNode }) {
  if (!(await getSessionUser())) redirect('/signed-out');
  return children;
});
