import { TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { isOutcomeCode, OUTCOMES } from '@/lib/connections/outcomes';
import { withRequestContext } from '@/lib/http/render-context';

export const metadata = { title: 'Sign-in problem · Grantkeeper' };

/** Where a refused OAuth callback lands: what happened, and that nothing was stored. */
export default withRequestContext(async function OAuthErrorPage({ searchParams }: { searchParams: Promise<{ outcome?: string }> }) {
  const { outcome } = await searchParams;
  const message = isOutcomeCode(outcome) ? OUTCOMES[outcome].message : 'Something went wrong during sign-in.';
  return (
    <main className="mx-auto flex min-h-dvh max-w-lg items-center px-4">
      <Card className="w-full" data-testid="oauth-error">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <TriangleAlert className="size-5 text-destructive" aria-hidden="true" />
            <h1>The connection was not completed</h1>
          </CardTitle>
          <CardDescription>{message}</CardDescription>
        </CardHeader>
        <CardContent className="text-sm text-muted-foreground">
          The attempt was recorded in your audit log. You can start again from the dashboard.
        </CardContent>
        <CardFooter>
          <Button asChild>
            <Link href="/">Back to the dashboard</Link>
          </Button>
        </CardFooter>
      </Card>
    </main>
  );
});
