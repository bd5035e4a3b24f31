import Link from 'next/link';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { withRequestContext } from '@/lib/http/render-context';

export const metadata = { title: 'Signed out · Grantkeeper' };

/** Where sign-out lands, and any request without a usable session (e.g. the account was deleted). */
export default withRequestContext(function SignedOutPage() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-lg items-center px-4">
      <Card className="w-full">
        <CardHeader>
          <CardTitle>
            <h1>You are signed out</h1>
          </CardTitle>
          <CardDescription>
            You signed out, or this session no longer belongs to an active Grantkeeper account.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Link href="/" prefetch={false} className="font-medium text-primary underline underline-offset-4">
            Sign in again
          </Link>
        </CardContent>
      </Card>
    </main>
  );
});
