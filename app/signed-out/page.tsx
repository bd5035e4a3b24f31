import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';

export const metadata = { title: 'Signed out · Grantkeeper' };

/** Where a request lands without a usable session (e.g. the account was deleted). */
export default function SignedOutPage() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-lg items-center px-4">
      <Card className="w-full">
        <CardHeader>
          <CardTitle>
            <h1>You are signed out</h1>
          </CardTitle>
          <CardDescription>
            This session no longer belongs to an active Grantkeeper account. Sign in again to continue.
          </CardDescription>
        </CardHeader>
      </Card>
    </main>
  );
}
